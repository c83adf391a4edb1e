"""Who may see which college's data in the admin, written once.

A member of staff belongs to colleges through memberships, each of which may
hold two roles: an **officer** sees and handles the college's inquiries, an
**editor** keeps its pages; one role never opens the other's rows. Model
permissions (the "Admissions officer" and "Editor" groups) decide which admin
pages a user may open at all; these rules decide which rows are in them, and
``CollegeScopedAdminMixin`` applies them to an admin's rows, form choices and
list filters. A superuser sees everything.
"""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import get_language

from institutions.models import Institution, Programme

from .models import StaffMembership

OFFICER_GROUP = "Admissions officer"
EDITOR_GROUP = "Editor"

OFFICER = "officer"
EDITOR = "editor"
ROLE_FLAGS = {OFFICER: "is_officer", EDITOR: "is_editor"}


def colleges_for(user, role=OFFICER):
    """The colleges whose data ``user`` may see in the admin in this role:
    their inquiries for an officer, their pages for an editor."""
    if not (user and user.is_active and user.is_staff):
        return Institution.objects.none()
    if user.is_superuser:
        return Institution.objects.all()
    memberships = StaffMembership.objects.filter(user=user, **{ROLE_FLAGS[role]: True})
    return Institution.objects.filter(pk__in=memberships.values("institution"))


def content_for(user, queryset):
    """The rows of a college's content (a college, its sections, facts...)
    in ``queryset`` that ``user`` may see and edit: those of the colleges
    the user is an editor of. The model's ``college_path`` leads from a row
    to its college."""
    if user and user.is_active and user.is_staff and user.is_superuser:
        return queryset
    path = queryset.model.college_path
    lookup = "pk__in" if path == "pk" else f"{path}__in"
    return queryset.filter(**{lookup: colleges_for(user, EDITOR)})


def staff_for(user, colleges=None):
    """Members of staff that ``user`` may see: the officers of the user's
    colleges (or of ``colleges``, when given), and always the user."""
    if colleges is None:
        colleges = colleges_for(user)
    members = StaffMembership.objects.filter(institution__in=colleges, is_officer=True)
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(Q(pk__in=members.values("user")) | Q(pk=user.pk))
        .order_by("username")
    )


class AppliedWhenUsedMixin:
    """Apply the filter whenever its parameter is given: Django leaves out a
    filter with a single choice, and with it the parameter, so an officer of
    one college asking for another's inquiries would get (and export) all of
    their own instead of none."""

    def has_output(self):
        return super().has_output() or bool(self.used_parameters)


class DropDownWhenLongMixin:
    """Past ``LINKS_UP_TO`` choices (a superuser's thousands of colleges),
    a filter is one drop-down list rather than a link each, which would take
    longer to build than the rest of the page. A filter names its parameter
    (``drop_down_name``) and its chosen value (``drop_down_selected``).
    """

    LINKS_UP_TO = 30
    select_template = "admin/applications/select_filter.html"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if len(self.lookup_choices) > self.LINKS_UP_TO:
            self.template = self.select_template

    def choices(self, changelist):
        if self.template != self.select_template:
            yield from super().choices(changelist)
            return
        # The list's other parameters, carried along by the drop-down's form.
        self.kept_params = [
            (name, value)
            for name, values in changelist.params.items()
            if name not in self.expected_parameters() and name != "p"
            for value in (values if isinstance(values, list) else [values])
        ]
        self.selected = self.drop_down_selected()


class SimpleDropDownWhenLongMixin(DropDownWhenLongMixin):
    """``DropDownWhenLongMixin`` for a ``SimpleListFilter``."""

    @property
    def drop_down_name(self):
        return self.parameter_name

    def drop_down_selected(self):
        return self.value() or ""


class ScopedCollegeFilter(
    AppliedWhenUsedMixin, DropDownWhenLongMixin, admin.RelatedFieldListFilter
):
    """The college filter, listing only the user's colleges."""

    def field_choices(self, field, request, model_admin):
        # Names only, in the reader's language or else in English: thousands
        # of whole colleges would take longer to load than the inquiries.
        colleges = model_admin.colleges(request)
        if get_language() != "zh-hans":
            return list(colleges.values_list("pk", "name_en"))
        names = colleges.values_list("pk", "name_zh_hans", "name_en")
        return [(pk, name or name_en) for pk, name, name_en in names]

    @property
    def drop_down_name(self):
        return self.lookup_kwarg

    def drop_down_selected(self):
        return str(self.lookup_val[-1]) if self.lookup_val else ""


class ScopedStaffFilter(AppliedWhenUsedMixin, admin.RelatedFieldListFilter):
    """A filter on a member of staff, listing only staff of the user's
    colleges."""

    def field_choices(self, field, request, model_admin):
        return [
            (u.pk, u.get_full_name() or u.get_username())
            for u in staff_for(request.user)
        ]


class RefuseNulLookupsMixin:
    """A list whose query string holds a NUL character (``%00``) is refused
    as Django refuses any lookup it cannot run (a redirect to ``?e=1``):
    PostgreSQL cannot compare text with one, and would answer with an error."""

    def get_changelist_instance(self, request):
        if any(
            "\x00" in value for _name, values in request.GET.lists() for value in values
        ):
            raise IncorrectLookupParameters
        return super().get_changelist_instance(request)


class CollegeScopedAdminMixin(RefuseNulLookupsMixin):
    """Scope a ``ModelAdmin`` (or an inline) to the user's colleges in
    ``scope_role``; ``college_field`` leads from the model to its college.

    An object outside the user's colleges is a 404 on every view that looks
    one up, as one that does not exist is, so that an id typed into the
    address bar tells nothing; someone who may not open the pages at all gets
    Django's 403.
    """

    college_field = "institution"
    scope_role = OFFICER

    def colleges(self, request):
        return colleges_for(request.user, self.scope_role)

    def scope_queryset(self, request, queryset):
        manager_method = getattr(queryset, "for_staff", None)
        if manager_method is not None:
            return manager_method(request.user)
        return queryset.filter(**{f"{self.college_field}__in": self.colleges(request)})

    def get_queryset(self, request):
        return self.scope_queryset(request, super().get_queryset(request))

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            if not self.has_view_or_change_permission(request):
                raise PermissionDenied
            raise Http404(f"No {self.opts.verbose_name} with this id here.")
        return obj

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model
        if related is Institution:
            colleges = self.colleges(request)
            kwargs["queryset"] = colleges
            # Fill the college in for someone who has only one.
            if not request.user.is_superuser and len(colleges) == 1:
                kwargs["initial"] = colleges[0].pk
        elif related is Programme:
            kwargs["queryset"] = Programme.objects.filter(
                institution__in=self.colleges(request)
            )
        elif related is get_user_model():
            kwargs["queryset"] = staff_for(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_list_filter(self, request):
        """Swap the plain filter on a college or a member of staff for the
        scoped one; the declared ``list_filter`` stays readable."""
        scoped = []
        for item in super().get_list_filter(request):
            if isinstance(item, str) and "__" not in item:
                related = self.model._meta.get_field(item).related_model
                if related is Institution:
                    item = (item, ScopedCollegeFilter)
                elif related is get_user_model():
                    item = (item, ScopedStaffFilter)
            scoped.append(item)
        return scoped

"""Every change to a college's content is a change of the college: its
``updated_at`` (which keys its cached home-page card) moves on and the page
cache starts a new generation. Saves and deletes are seen by the signals
below, ``update()`` and ``bulk_update`` by ``ContentQuerySet``; ``bulk_create``
and raw SQL are not seen."""

from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from portal import pagecache


def touch(college_ids):
    """Mark these colleges as changed, and every cached page as stale."""
    from .models import Institution

    ids = {pk for pk in college_ids if pk is not None}
    if ids:
        Institution.objects.filter(pk__in=ids).update(updated_at=timezone.now())
    else:
        pagecache.content_changed()


class ContentQuerySet(models.QuerySet):
    """A queryset of a college's content, whose ``update()`` touches the
    colleges of the rows it changes."""

    def for_staff(self, user):
        """The rows ``user`` may edit: those of the colleges they edit."""
        from applications.scoping import content_for

        return content_for(user, self)

    def update(self, **kwargs):
        if self.model._meta.model_name == "institution":
            kwargs.setdefault("updated_at", timezone.now())
            count = super().update(**kwargs)
            pagecache.content_changed()
            return count
        # The colleges before the update: it may change which rows match.
        colleges = list(
            self.order_by().values_list(self.model.college_path, flat=True).distinct()
        )
        count = super().update(**kwargs)
        touch(colleges)
        return count


def _changed(sender, instance, **kwargs):
    *through, last = sender.college_path.split("__")
    for name in through:
        instance = getattr(instance, name)
    touch([instance.pk if last == "pk" else getattr(instance, f"{last}_id")])


def _relinked(sender, instance, action, pk_set, model, **kwargs):
    """A programme's scholarships changed (from either side)."""
    if not action.startswith("post_"):
        return
    if hasattr(instance, "scholarships"):  # a programme
        touch([instance.institution_id])
    else:  # a scholarship: the colleges of the programmes named
        touch(
            model.objects.filter(pk__in=pk_set or ()).values_list(
                "institution_id", flat=True
            )
        )


def connect(models):
    for model in models:
        uid = f"content:{model._meta.label}"
        post_save.connect(_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(_changed, sender=model, dispatch_uid=uid)
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                _relinked, sender=field.remote_field.through, dispatch_uid=uid
            )

"""The inquiry list's rows, written as Django's admin writes them.

Django's ``items_for_result`` works out, for each of the 1,100 cells of a
page of 100 inquiries, what its column is, its classes, the labels of
choices, the change link and its preserved filters: about 2 ms a row, as
much as everything else on the page together. ``RowWriter`` works all that
out once per page and writes the same HTML (tests/applications/
test_admin_rows.py compares the two byte for byte).
"""

import datetime
from html import escape as html_escape
from types import SimpleNamespace

from django.conf import settings
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import display_for_value
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.core.validators import EMPTY_VALUES
from django.db import models
from django.utils import dateformat, timezone
from django.utils.formats import get_format
from django.utils.safestring import mark_safe


class RowWriter:
    """The cells of the list's rows, written as Django's admin writes them
    (``items_for_result``), with what is the same on every row worked out
    once per page: what each column is, its classes, the labels of choices,
    the change link and its preserved filters. Django works all that out
    again for each of the 1,100 cells of a page, which cost about as much
    as everything else on the page together.

    ``None`` when a column is of a kind not written here, or the list is a
    pop-up or editable: then Django writes the rows itself.
    """

    @classmethod
    def for_changelist(cls, cl):
        if cl.formset or cl.is_popup or cl.to_field or cl.list_display_links is None:
            return None
        try:
            return cls(cl)
        except _NotHandled:
            return None

    def __init__(self, cl):
        opts = cl.lookup_opts
        # Links are written for integer ids, which need no quoting.
        if not isinstance(opts.pk, models.IntegerField):
            raise _NotHandled
        self.pk_attname = opts.pk.attname
        self.empty = _escape(cl.model_admin.get_empty_value_display())
        # The change link of every row: the same but for the id.
        marker = "0"
        url = cl.url_for_result(SimpleNamespace(**{self.pk_attname: marker}))
        url = add_preserved_filters(
            {"preserved_filters": cl.preserved_filters, "opts": cl.opts}, url
        )
        before, found, after = html_escape(url).partition(f"/{marker}/")
        if not found:
            raise _NotHandled
        self.url_before, self.url_after = before + "/", "/" + after
        first_link = not cl.list_display_links
        self.columns = []
        for index, name in enumerate(cl.list_display):
            if not isinstance(name, str) or "__" in name:
                raise _NotHandled
            is_link = (index == 0 and first_link) or name in cl.list_display_links
            cell = self._cell_for(name, opts, cl)
            self.columns.append((is_link, f"field-{name}", cell))

    def _cell_for(self, name, opts, cl):
        """A function of a row giving the cell's text (escaped or safe) and
        its classes, or raising ``_NotHandled``."""
        css = f"field-{name}"
        try:
            field = opts.get_field(name)
        except FieldDoesNotExist:
            return self._method_cell(name, cl.model_admin, css)
        if field.auto_created or (
            field.is_relation
            and not (field.many_to_one and field.related_model and field.name == name)
        ):
            raise _NotHandled
        empty = self.empty
        attname = field.attname
        if field.many_to_one:
            nowrap = f"{css} nowrap"

            def related(row):
                value = getattr(row, name)
                return (empty if value is None else _escape(value)), nowrap

            return related
        if getattr(field, "flatchoices", None):
            # The labels in the reader's language, read once.
            labels = {value: _escape(label) for value, label in field.flatchoices}

            def choice(row):
                value = getattr(row, attname)
                if isinstance(value, str) and not value.strip():
                    value = ""
                return labels.get(value, empty), css

            return choice
        if isinstance(field, models.DateTimeField):
            nowrap = f"{css} nowrap"
            date_format = get_format("DATETIME_FORMAT")
            convert = settings.USE_TZ
            local_zone = timezone.get_current_timezone()

            def moment(row):
                value = getattr(row, attname)
                if value in field.empty_values:
                    return empty, nowrap
                # As template_localtime and localize would, with the time
                # zone and the format looked up once.
                if convert and not timezone.is_naive(value):
                    value = value.astimezone(local_zone)
                return _escape(dateformat.format(value, date_format)), nowrap

            return moment
        if type(field) in (models.CharField, models.TextField, models.EmailField):

            def text(row):
                value = getattr(row, attname)
                if isinstance(value, str) and not value.strip():
                    return empty, css
                if value in field.empty_values:
                    return empty, css
                return _escape(value), css

            return text
        raise _NotHandled

    def _method_cell(self, name, model_admin, css):
        method = getattr(model_admin, name, None)
        if not callable(method) or name == "__str__":
            raise _NotHandled
        if getattr(method, "boolean", False):
            raise _NotHandled
        empty = _escape(getattr(method, "empty_value_display", self.empty))
        if name == "action_checkbox":
            css = "action-checkbox"
        nowrap = f"{css} nowrap"

        def call(row):
            value = method(row)
            if isinstance(value, str):
                if not value.strip():
                    return empty, css
                return _escape(value), css
            if value in EMPTY_VALUES:
                return empty, css
            shown = _escape(display_for_value(value, empty))
            if isinstance(value, (datetime.date, datetime.time)):
                return shown, nowrap
            return shown, css

        return call

    def row(self, result):
        cells = []
        first = True
        for is_link, field_css, cell in self.columns:
            try:
                text, css = cell(result)
            except ObjectDoesNotExist:
                text, css = self.empty, field_css
            if is_link:
                tag = "th" if first else "td"
                first = False
                pk = getattr(result, self.pk_attname)
                url = self.url_before + str(pk) + self.url_after
                cells.append(f'<{tag} class="{css}"><a href="{url}">{text}</a></{tag}>')
            else:
                cells.append(f'<td class="{css}">{text}</td>')
        return mark_safe("".join(cells))


class _NotHandled(Exception):
    pass


def _escape(value):
    """``conditional_escape`` without the cost of its lazy wrapper."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html_escape(str(value))

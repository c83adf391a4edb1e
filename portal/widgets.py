"""Form widgets written in Python, with the same markup as Django's own.

Django renders each widget, and each option of a list, through a template of
its own. On the portal's public forms (the inquiry form, the directory's
filters) that was most of the time a page took to render; these widgets
write the very same HTML directly (``tests/portal/test_widgets.py`` compares
them with Django's, byte for byte).
"""

from django import forms
from django.utils.choices import BaseChoiceIterator
from django.utils.html import escape
from django.utils.safestring import mark_safe


def _html_attrs(attrs):
    # As Django's widgets/attrs.html writes them: True alone, False not at all.
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class QuickSelect(forms.Select):
    """A ``<select>`` written in Python, with the same markup as Django's.

    Django renders each option through a template of its own; for the list
    of some 250 countries that was most of the time it took to show the
    form, which every invalid submission is answered with.
    """

    def render(self, name, value, attrs=None, renderer=None):
        # Widget's context has the attributes and the value, without the
        # option dictionaries that ChoiceWidget would build for a template.
        widget = forms.Widget.get_context(self, name, value, attrs)["widget"]
        if isinstance(self.choices, ReadyChoices):
            key = (
                name,
                tuple(widget["value"]),
                tuple(
                    (k, v if isinstance(v, bool) else str(v))
                    for k, v in widget["attrs"].items()
                ),
            )
            return self.choices.rendered(key, lambda: self._write(name, widget))
        return self._write(name, widget)

    def _write(self, name, widget):
        wanted = set(widget["value"])
        selected = []

        def option(value, label):
            value = "" if value is None else str(value)
            chosen = not selected and value in wanted
            if chosen:
                selected.append(value)
            mark = " selected" if chosen else ""
            return (
                f'\n  <option value="{escape(value)}"{mark}>{escape(label)}</option>\n'
            )

        parts = []
        for value, label in self.choices:
            if isinstance(label, (list, tuple)):
                options = "".join(option(v, text) for v, text in label)
                group = escape(value)
                parts.append(f'\n  <optgroup label="{group}">{options}\n  </optgroup>')
            else:
                parts.append(option(value, label))
        attributes = _html_attrs(widget["attrs"])
        return mark_safe(  # noqa: S308  (every value above is escaped)
            f'<select name="{escape(name)}"{attributes}>{"".join(parts)}\n</select>'
        )


class _QuickInput:
    """An ``<input>`` written in Python, with the same markup as Django's
    ``input.html``: a template for each field was most of the time it took
    to render the form."""

    def render(self, name, value, attrs=None, renderer=None):
        return _write_input(self.get_context(name, value, attrs)["widget"])


def _write_input(widget):
    shown = widget["value"]
    value_attr = "" if shown is None else f' value="{escape(str(shown))}"'
    attributes = _html_attrs(widget["attrs"])
    return mark_safe(  # noqa: S308  (every value above is escaped)
        f'<input type="{escape(widget["type"])}" name="{escape(widget["name"])}"'
        f"{value_attr}{attributes}>"
    )


class QuickTextInput(_QuickInput, forms.TextInput):
    pass


class QuickEmailInput(_QuickInput, forms.EmailInput):
    pass


class QuickNumberInput(_QuickInput, forms.NumberInput):
    pass


class QuickCheckboxInput(_QuickInput, forms.CheckboxInput):
    pass


class QuickTextarea(forms.Textarea):
    """A ``<textarea>`` with the same markup as Django's ``textarea.html``."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        text = escape(widget["value"]) if widget["value"] else ""
        attributes = _html_attrs(widget["attrs"])
        return mark_safe(  # noqa: S308  (every value above is escaped)
            f'<textarea name="{escape(name)}"{attributes}>\n{text}</textarea>'
        )


class ReadyChoices(BaseChoiceIterator):
    """Choices already in their final form, which Django takes as they are
    instead of normalising some 250 pairs for every form it builds. Being
    fixed, they also keep the few ``<select>`` elements written from them
    (``QuickSelect``): writing 250 options was the form page's largest cost."""

    KEEP = 256

    def __init__(self, choices):
        self.choices = choices
        self._rendered = {}

    def rendered(self, key, write):
        html = self._rendered.get(key)
        if html is None:
            if len(self._rendered) >= self.KEEP:
                self._rendered.clear()
            html = self._rendered[key] = write()
        return html

    def __iter__(self):
        return iter(self.choices)


class QuickRadioSelect(forms.RadioSelect):
    """Radio buttons whose inputs (``{{ radio.tag }}``) are written in Python,
    as Django's ``input_option.html`` would write them unwrapped."""

    def _render(self, template_name, context, renderer=None):
        widget = context["widget"]
        if template_name != self.option_template_name or widget.get("wrap_label"):
            return super()._render(template_name, context, renderer)
        return _write_input(widget)

"""A college's Chinese Bridge (汉语桥) offer to delegations, as data.

One row at most per Chinese Bridge section. Every fact is optional: a
college states what it states, and the page lists only those facts, never
an empty row. ``translation.py`` registers ``includes`` as a translated text.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.dates import MONTHS
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext, pgettext
from django.utils.translation import gettext_lazy as _

from .models import PlainTextField, Provenance, Section, choice_label


def list_of(words):
    """Words as one list: "March, April" or "三月、四月"."""
    return pgettext("list separator", ", ").join(str(w) for w in words)


AGES = [MinValueValidator(5), MaxValueValidator(99)]
GROUP_SIZES = [MinValueValidator(1), MaxValueValidator(500)]


def range_text(low, high, *, both, low_only, high_only):
    """A range of which either end may be unknown, in words."""
    if low is not None and high is not None:
        return both % {"min": low, "max": high}
    if low is not None:
        return low_only % {"min": low}
    if high is not None:
        return high_only % {"max": high}
    return ""


class BridgeOffer(Provenance):
    class Mode(models.TextChoices):
        ONLINE = "online", _("Online")
        IN_PERSON = "in_person", _("In person, at the college")
        BOTH = "both", _("Online or in person")

    section = models.OneToOneField(
        Section,
        on_delete=models.CASCADE,
        related_name="bridge_offer",
        limit_choices_to={"kind": Section.Kind.CHINESE_BRIDGE},
        verbose_name=_("section"),
    )
    mode = models.CharField(
        _("online or in person"), max_length=20, choices=Mode, blank=True
    )
    usual_days = models.PositiveSmallIntegerField(
        _("usual length in days"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    months = models.JSONField(
        _("months offered"),
        default=list,
        blank=True,
        help_text=_("The months in which a delegation can come."),
    )
    min_age = models.PositiveSmallIntegerField(
        _("youngest participant's age"), null=True, blank=True, validators=AGES
    )
    max_age = models.PositiveSmallIntegerField(
        _("oldest participant's age"), null=True, blank=True, validators=AGES
    )
    min_group = models.PositiveSmallIntegerField(
        _("smallest group"), null=True, blank=True, validators=GROUP_SIZES
    )
    max_group = models.PositiveSmallIntegerField(
        _("largest group"), null=True, blank=True, validators=GROUP_SIZES
    )
    price_per_person = models.PositiveIntegerField(
        _("price per person (yuan)"),
        null=True,
        blank=True,
        help_text=_("Only where the college states it."),
        validators=[MaxValueValidator(1_000_000)],
    )
    includes = PlainTextField(
        _("what it includes"),
        blank=True,
        help_text=_("Lessons, visits, board and lodging...: plain text."),
    )

    college_path = "section__institution"

    class Meta:
        verbose_name = _("Chinese Bridge offer")
        verbose_name_plural = _("Chinese Bridge offers")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_age__isnull=True)
                | models.Q(max_age__isnull=True)
                | models.Q(min_age__lte=models.F("max_age")),
                name="bridge_offer_ages_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(min_group__isnull=True)
                | models.Q(max_group__isnull=True)
                | models.Q(min_group__lte=models.F("max_group")),
                name="bridge_offer_group_sizes_in_order",
            ),
        ]

    def __str__(self):
        return str(self.section)

    def clean(self):
        errors = {}
        if self.section_id and self.section.kind != Section.Kind.CHINESE_BRIDGE:
            errors["section"] = _("An offer belongs to a Chinese Bridge section.")
        months = self.months
        if not isinstance(months, list) or not all(
            isinstance(m, int) and 1 <= m <= 12 for m in months
        ):
            errors["months"] = _("Months are numbers from 1 to 12.")
        else:
            self.months = sorted(set(months))
        for low, high, message in (
            ("min_age", "max_age", _("The youngest age cannot be above the oldest.")),
            (
                "min_group",
                "max_group",
                _("The smallest group cannot be above the largest."),
            ),
        ):
            a, b = getattr(self, low), getattr(self, high)
            if a is not None and b is not None and a > b:
                errors[high] = message
        if errors:
            raise ValidationError(errors)

    @property
    def facts(self):
        """(label, value) for each fact the college stated, in reading order."""
        rows = [
            (_("How"), choice_label(self.Mode, self.mode) if self.mode else ""),
            (
                _("Usual length"),
                ngettext("%(days)d day", "%(days)d days", self.usual_days)
                % {"days": self.usual_days}
                if self.usual_days
                else "",
            ),
            (_("Months"), list_of(MONTHS[m] for m in self.months if m in MONTHS)),
            (
                _("Participants’ ages"),
                range_text(
                    self.min_age,
                    self.max_age,
                    both=gettext("%(min)d to %(max)d years old"),
                    low_only=gettext("%(min)d years old and over"),
                    high_only=gettext("up to %(max)d years old"),
                ),
            ),
            (
                _("Group size"),
                range_text(
                    self.min_group,
                    self.max_group,
                    both=gettext("%(min)d to %(max)d people"),
                    low_only=gettext("at least %(min)d people"),
                    high_only=gettext("up to %(max)d people"),
                ),
            ),
            (
                _("Price per person"),
                gettext("%(price)s yuan")
                % {"price": number_format(self.price_per_person, force_grouping=True)}
                if self.price_per_person is not None
                else "",
            ),
            (_("Includes"), self.includes),
        ]
        return [(label, value) for label, value in rows if value]

"""Synthetic colleges, officers and inquiries in bulk, for trying the admin at
size and for the benchmark (``manage.py generate_scale_data``).

The words (places, college names, programmes, people) come from
``bench/data/words.toml``; what is made of them, and how often, is here.
Everything is drawn from one ``random.Random(seed)``, so that the same seed on
the same day gives the same data. Rows are written in batches, each batch in
its own transaction.
"""

import collections
import functools
import random
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import phonenumbers
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import DateTimeField, Max
from django.utils.text import slugify
from django_countries import countries

from applications.models import (
    REFERENCE_ALPHABET,
    REFERENCE_LENGTH,
    Inquiry,
    InquiryEvent,
    PhoneApp,
    StaffMembership,
)
from applications.scoping import OFFICER_GROUP
from institutions.bridge import BridgeOffer
from institutions.models import (
    Fact,
    Institution,
    Intake,
    Programme,
    Scholarship,
    Section,
)

WORDS_FILE = Path(__file__).parent / "data" / "words.toml"

Status = Inquiry.Status
Kind = Inquiry.Kind

# Colleges get very different numbers of inquiries: the n-th most sought
# after one gets a share proportional to 1 / n ** SKEW.
SKEW = 0.8
# One college in OFFICER_EVERY has a generated admissions officer (the most
# sought-after college always has one), so that "assigned to" is realistic.
OFFICER_EVERY = 10
DUPLICATE_SHARE = 0.02
# Colleges with a Chinese Bridge offer; inquiries that give a phone number.
BRIDGE_SHARE = 0.4
PHONE_SHARE = 0.35
MAIL_ERROR_SHARE = 0.003
CHINESE_SHARE = 0.15
# The last move that led to each status, for the status history.
PREVIOUS = {
    Status.IN_REVIEW: Status.NEW,
    Status.CONTACTED: Status.IN_REVIEW,
    Status.APPLICATION_INVITED: Status.CONTACTED,
    Status.ENROLLED: Status.APPLICATION_INVITED,
    Status.DECLINED: Status.APPLICATION_INVITED,
}


def load_words(path=WORDS_FILE):
    with open(path, "rb") as file:
        return tomllib.load(file)


def _weighted(pairs):
    values = [v for v, _w in pairs]
    cumulative, total = [], 0
    for _v, weight in pairs:
        total += weight
        cumulative.append(total)
    return values, cumulative


# Status by the inquiry's age: recent ones are still being handled.
STATUSES_RECENT = _weighted(
    [
        (Status.NEW, 55),
        (Status.IN_REVIEW, 25),
        (Status.CONTACTED, 12),
        (Status.SPAM, 5),
        (Status.WITHDRAWN, 3),
    ]
)
STATUSES_OLD = _weighted(
    [
        (Status.NEW, 2),
        (Status.IN_REVIEW, 3),
        (Status.CONTACTED, 8),
        (Status.APPLICATION_INVITED, 7),
        (Status.ENROLLED, 15),
        (Status.DECLINED, 25),
        (Status.WITHDRAWN, 30),
        (Status.SPAM, 10),
    ]
)
KINDS = _weighted(
    [
        (Kind.STUDY, 55),
        (Kind.LANGUAGE, 25),
        (Kind.CHINESE_BRIDGE, 10),
        (Kind.PARTNERSHIP, 10),
    ]
)


@dataclass
class Report:
    colleges: int = 0
    programmes: int = 0
    officers: int = 0
    inquiries: int = 0
    events: int = 0
    seconds: dict = field(default_factory=dict)

    def __str__(self):
        return (
            f"{self.colleges} colleges, {self.programmes} programmes, "
            f"{self.officers} officers, {self.inquiries} inquiries, "
            f"{self.events} status changes"
        )


class Progress:
    """A progress bar on a stream: redrawn in place on a terminal, one line
    per tenth otherwise (so a log stays short)."""

    def __init__(self, stream, label, total, clock):
        self.stream, self.label, self.total, self.clock = stream, label, total, clock
        self.start = clock()
        self.tty = stream is not None and getattr(stream, "isatty", lambda: False)()
        self.last_tenth = -1

    def update(self, done):
        if self.stream is None or not self.total:
            return
        fraction = done / self.total
        elapsed = self.clock() - self.start
        left = elapsed / fraction - elapsed if fraction else 0
        bar = "#" * int(30 * fraction)
        line = (
            f"{self.label:<11} [{bar:<30}] {done:>9,}/{self.total:,} "
            f"{fraction:4.0%}  {elapsed:5.0f} s, about {left:4.0f} s left"
        )
        if self.tty:
            self.stream.write("\r" + line)
            if done >= self.total:
                self.stream.write("\n")
            self.stream.flush()
        elif int(fraction * 10) > self.last_tenth:
            self.last_tenth = int(fraction * 10)
            self.stream.write(line + "\n")
            self.stream.flush()


class ScaleData:
    """Builds the synthetic data; see ``generate_scale_data`` for the options."""

    def __init__(
        self,
        *,
        seed=1,
        years=3,
        batch_size=5000,
        now=None,
        progress=None,
        clock=None,
        words=None,
    ):
        import time

        self.words = words or load_words()
        self.nationalities = _weighted(list(self.words["nationalities"].items()))
        self.region_of = {
            country: region
            for region, names in self.words["names"].items()
            for country in names["countries"]
        }
        self.rng = random.Random(seed)
        self.years = years
        self.batch_size = batch_size
        # Midnight today: the same seed on the same day gives the same data.
        now = now or datetime.now(UTC)
        self.now = now.replace(hour=0, minute=0, second=0, microsecond=0)
        self.progress_stream = progress
        self.clock = clock or time.perf_counter
        self.report = Report()
        self.references = set()
        self.all_countries = [code for code, _name in countries]

    # -- colleges -------------------------------------------------------------

    def college_names(self, count):
        """``count`` distinct (en, zh, province, city) tuples."""
        places = []
        for entry in self.words["provinces"]:
            province, cities = entry["name"], entry["cities"]
            for city in cities:
                places.append((province, city, city))
            # Provincial colleges carry the province's name.
            short = (province[0], province[1].rstrip("省市").replace("自治区", ""))
            if province[1].endswith("自治区"):
                short = (province[0], province[1][:2])
            places.append((province, cities[0], short))
        seen, names = set(), []
        limit = count * 50 + 100
        while len(names) < count and limit:
            limit -= 1
            province, city, place = self.rng.choice(places)
            speciality = self.rng.choice(self.words["specialities"])
            pattern, suffix = self.rng.choice(self.words["institution_types"])
            en = " ".join(
                pattern.format(place=place[0], speciality=speciality[0]).split()
            )
            zh = f"{place[1]}{speciality[1]}{suffix}"
            if en in seen or zh in seen:
                continue
            seen.update((en, zh))
            names.append((en, zh, province, city))
        if len(names) < count:
            # More colleges than names: number the rest, as branch campuses.
            base = list(names)
            n = 2
            while len(names) < count:
                for en, zh, province, city in base:
                    if len(names) >= count:
                        break
                    names.append(
                        (f"{en}, Campus {n}", f"{zh}第{n}校区", province, city)
                    )
                n += 1
        return names

    def make_colleges(self, count):
        taken = set(Institution.objects.values_list("slug", flat=True))
        colleges = []
        for i, (en, zh, province, city) in enumerate(self.college_names(count)):
            slug = base = slugify(en)[:70]
            n = 2
            while slug in taken:
                slug, n = f"{base}-{n}", n + 1
            taken.add(slug)
            founded = self.rng.randint(1950, 2015)
            colleges.append(
                Institution(
                    slug=slug,
                    name_en=en,
                    name_zh_hans=zh,
                    province_en=province[0],
                    province_zh_hans=province[1],
                    city_en=city[0],
                    city_zh_hans=city[1],
                    summary_en=f"A college in {city[0]}, {province[0]}, "
                    f"founded in {founded}.",
                    summary_zh_hans=f"位于{province[1]}{city[1]}，创办于{founded}年。",
                    founded=founded,
                    order=1000 + i,
                    website=f"https://www.{slug[:40]}.example.edu.cn/",
                )
            )
        with transaction.atomic():
            colleges = Institution.objects.bulk_create(colleges, batch_size=500)
            self._college_content(colleges)
        self.report.colleges = len(colleges)
        return colleges

    def _college_content(self, colleges):
        sections, facts, programmes = [], [], []
        for college in colleges:
            sections.append(
                Section(
                    institution=college,
                    kind=Section.Kind.ABOUT,
                    title_en="About us",
                    title_zh_hans="学校简介",
                    body_en=f"{college.name_en} is a public college in "
                    f"{college.city_en}, {college.province_en}.\n\n"
                    "It welcomes international students.",
                    body_zh_hans=f"{college.name_zh_hans}是位于"
                    f"{college.province_zh_hans}{college.city_zh_hans}的公办院校。"
                    "\n\n学校欢迎国际学生。",
                )
            )
            students = self.rng.randrange(3000, 30000, 100)
            facts += [
                Fact(
                    institution=college,
                    kind=Fact.Kind.FOUNDED,
                    value_en=str(college.founded),
                    value_zh_hans=f"{college.founded}年",
                    order=0,
                ),
                Fact(
                    institution=college,
                    kind=Fact.Kind.STUDENTS,
                    value_en=f"{students:,}",
                    value_zh_hans=f"{students}人",
                    order=1,
                ),
            ]
            count = min(self.rng.randint(25, 35), len(self.words["programmes"]))
            offered = self.rng.sample(self.words["programmes"], count)
            slugs = set()
            for order, entry in enumerate(offered):
                programme = self.programme(college, order, entry)
                if programme.slug in slugs:  # the master's of a bachelor's name
                    programme.slug = f"{programme.slug}-{entry['kind']}"
                slugs.add(programme.slug)
                programmes.append(programme)
        Section.objects.bulk_create(sections, batch_size=500)
        Fact.objects.bulk_create(facts, batch_size=500)
        Programme.objects.bulk_create(programmes, batch_size=500)
        self._programme_details(colleges, programmes)
        self.report.programmes = len(programmes)
        self._bridge_offers(colleges)

    def _bridge_offers(self, colleges):
        """A Chinese Bridge section with an offer for some colleges, each
        stating a different part of what an offer may say."""
        rng = self.rng
        hosts = [c for c in colleges if rng.random() < BRIDGE_SHARE]
        sections = Section.objects.bulk_create(
            [
                Section(
                    institution=college,
                    kind=Section.Kind.CHINESE_BRIDGE,
                    title_en="Chinese Bridge",
                    title_zh_hans="汉语桥",
                    body_en=f"{college.name_en} welcomes Chinese Bridge delegations.",
                    body_zh_hans=f"{college.name_zh_hans}欢迎汉语桥团组来访。",
                )
                for college in hosts
            ],
            batch_size=500,
        )
        offers = []
        for section in sections:
            first = rng.choice([3, 4, 5, 6, 7, 9, 10])
            min_age = rng.choice([None, 12, 14, 16, 18])
            offers.append(
                BridgeOffer(
                    section=section,
                    mode=rng.choice(BridgeOffer.Mode.values + [""]),
                    usual_days=rng.choice([None, 7, 10, 14, 21]),
                    months=sorted({first, first + rng.randint(0, 2)}),
                    min_age=min_age,
                    max_age=None if min_age is None else min_age + rng.choice([4, 8]),
                    min_group=rng.choice([None, 5, 10]),
                    max_group=rng.choice([None, 30, 50]),
                    price_per_person=rng.choice([None, None, 2800, 3500, 6000]),
                    includes_en="Chinese lessons, culture workshops and visits.",
                    includes_zh_hans="汉语课程、文化体验和参访。",
                )
            )
        BridgeOffer.objects.bulk_create(offers, batch_size=500)

    def _programme_details(self, colleges, programmes):
        """Intakes with deadlines (some passed), a scholarship of each
        college's own, and the national CSC one for some programmes."""
        rng = self.rng
        csc, _created = Scholarship.objects.get_or_create(
            institution=None,
            seed_key="bench-csc",
            defaults={
                "name_en": "Chinese Government Scholarship",
                "name_zh_hans": "中国政府奖学金",
                "provider": Scholarship.Provider.CSC,
                "covers_en": "Tuition, accommodation, a monthly allowance and "
                "medical insurance",
                "covers_zh_hans": "学费、住宿费、生活费和综合医疗保险",
                "link": "https://www.campuschina.org/",
            },
        )
        own = []
        for college in colleges:
            en, zh = rng.choice(self.words["scholarship_covers"])
            own.append(
                Scholarship(
                    institution=college,
                    name_en=f"{college.name_en} Scholarship for International Students",
                    name_zh_hans=f"{college.name_zh_hans}来华留学生奖学金",
                    provider=Scholarship.Provider.COLLEGE,
                    covers_en=en,
                    covers_zh_hans=zh,
                    deadline=self.now + timedelta(days=rng.randint(-60, 240)),
                )
            )
        own = Scholarship.objects.bulk_create(own, batch_size=500)
        by_college = {s.institution_id: s for s in own}
        intakes, links = [], []
        Link = Programme.scholarships.through
        for programme in programmes:
            for year in range(self.now.year, self.now.year + rng.randint(1, 2)):
                starts = datetime(year + 1, 9, 1).date()
                deadline = datetime(year + 1, 6, 30, 15, 59, tzinfo=UTC)
                # Some deadlines have passed: a few months earlier.
                deadline -= timedelta(days=rng.choice((0, 0, 0, 400)))
                intakes.append(
                    Intake(programme=programme, starts=starts, deadline=deadline)
                )
            if rng.random() < 0.5:
                links.append(
                    Link(
                        programme_id=programme.pk,
                        scholarship_id=by_college[programme.institution_id].pk,
                    )
                )
            if programme.kind in ("bachelor", "master", "doctorate") or (
                rng.random() < 0.1
            ):
                links.append(Link(programme_id=programme.pk, scholarship_id=csc.pk))
        Intake.objects.bulk_create(intakes, batch_size=1000)
        Link.objects.bulk_create(links, batch_size=1000)

    def programme(self, college, order, entry):
        """A Programme of ``college`` from one entry of the word list's
        ``programmes`` (a new field of Programme gets its value here)."""
        rng = self.rng
        kind = entry["kind"]
        short = kind in ("short_course", "training", "preparatory", "chinese_language")
        language = rng.choice(("chinese", "chinese", "english", "bilingual"))
        if kind == "chinese_language":
            language = "chinese"
        return Programme(
            institution=college,
            kind=kind,
            name_en=entry["en"],
            name_zh_hans=entry["zh"],
            slug=slugify(entry["en"])[:100],
            order=order,
            taught_in_chinese=language == "chinese",
            taught_in_english=language == "english",
            taught_bilingual=language == "bilingual",
            duration=rng.choice((2, 4, 6, 10)) if short else rng.choice((3, 4)),
            duration_unit="weeks"
            if kind == "short_course"
            else ("months" if short else "years"),
            tuition=rng.randrange(8000, 40001, 500),
            application_fee=rng.choice((None, 400, 600, 800)),
            accommodation=rng.choice((None, 3000, 4800, 6000)),
            hsk_level=0 if language == "english" else rng.choice((None, 3, 4, 5)),
            english_test="IELTS" if language != "chinese" else "",
            english_score=5.5 if language != "chinese" else None,
            min_age=18 if not short else None,
            max_age=rng.choice((30, 35, None)),
            prior_education_en="A senior high school diploma",
            prior_education_zh_hans="高中毕业",
        )

    # -- officers ---------------------------------------------------------------

    def make_officers(self, colleges):
        """One officer for every OFFICER_EVERY-th college (and the first one,
        which gets the most inquiries); no password, so nobody can sign in
        as one until a superuser sets it."""
        User = get_user_model()
        chosen = [c for i, c in enumerate(colleges) if i % OFFICER_EVERY == 0]
        taken = set(
            User.objects.filter(username__startswith="scale-officer-").values_list(
                "username", flat=True
            )
        )
        users = []
        for college in chosen:
            username = f"scale-officer-{college.pk}"
            if username in taken:
                continue
            user = User(
                username=username, is_staff=True, email=f"{username}@example.org"
            )
            user.set_unusable_password()
            users.append(user)
        with transaction.atomic():
            users = User.objects.bulk_create(users)
            by_name = {u.username: u for u in users}
            StaffMembership.objects.bulk_create(
                StaffMembership(user=by_name[f"scale-officer-{c.pk}"], institution=c)
                for c in chosen
                if f"scale-officer-{c.pk}" in by_name
            )
            group = Group.objects.filter(name=OFFICER_GROUP).first()
            if group is not None:
                User.groups.through.objects.bulk_create(
                    User.groups.through(user_id=u.pk, group_id=group.pk) for u in users
                )
        self.report.officers = len(users)
        members = {}
        for membership in StaffMembership.objects.values_list("institution", "user"):
            members.setdefault(membership[0], []).append(membership[1])
        return members

    # -- inquiries ----------------------------------------------------------------

    def reference(self):
        while True:
            chars = "".join(self.rng.choices(REFERENCE_ALPHABET, k=REFERENCE_LENGTH))
            reference = f"{chars[:4]}-{chars[4:]}"
            if reference not in self.references:
                self.references.add(reference)
                return reference

    def nationality(self):
        if self.rng.random() < self.words["other_countries_share"]:
            return self.rng.choice(self.all_countries)
        codes, cumulative = self.nationalities
        return self.rng.choices(codes, cum_weights=cumulative)[0]

    def person(self, nationality):
        names = self.words["names"][self.region_of.get(nationality, "west")]
        given, family = names["given"], names["family"]
        first, last = self.rng.choice(given), self.rng.choice(family)
        name = f"{first} {last}"
        handle = ".".join(h for h in (_handle(first), _handle(last)) if h)
        handle = handle or "applicant"
        domain = self.rng.choice(self.words["mail_domains"])
        email = f"{handle}{self.rng.randint(1, 99999)}@{domain}"
        if self.rng.random() < 0.1:
            # Some people type their address with capitals.
            email = email[:1].upper() + email[1:]
        return name, email

    def make_inquiries(self, count, colleges, members):
        """``count`` inquiries spread over ``colleges`` (most sought-after
        first), received evenly over the last ``years`` years, each with the
        status change that led to its present status."""
        if not count or not colleges:
            return
        college_ids = [c.pk for c in colleges]
        weights, total = [], 0.0
        for rank in range(len(college_ids)):
            total += 1 / (rank + 1) ** SKEW
            weights.append(total)
        programmes = {}
        for pk, college, kind in Programme.objects.filter(
            institution__in=college_ids
        ).values_list("pk", "institution", "kind"):
            programmes.setdefault(college, []).append((pk, kind))
        self.references.update(Inquiry.objects.values_list("reference", flat=True))
        inquiries = RowWriter(Inquiry)
        events = RowWriter(InquiryEvent)

        start = self.now - timedelta(days=365 * self.years)
        span = (self.now - start).total_seconds()
        progress = Progress(self.progress_stream, "inquiries", count, self.clock)
        # (id, college, email, created_at) of the latest inquiries, which a
        # possible duplicate repeats.
        recent = collections.deque(maxlen=20)
        done = 0
        while done < count:
            size = min(self.batch_size, count - done)
            rows, history = [], []
            for i in range(size):
                created = start + timedelta(
                    seconds=span * (done + i + self.rng.random()) / count
                )
                row = self._inquiry(
                    inquiries.next_id(),
                    created,
                    college_ids,
                    weights,
                    programmes,
                    recent,
                    members,
                )
                rows.append(row)
                recent.append((row["id"], row["institution_id"], row["email"], created))
                if row["status"] != Status.NEW:
                    history.append(self._event(events.next_id(), row, members))
            with transaction.atomic():
                inquiries.write(rows)
                events.write(history)
            done += size
            self.report.inquiries += size
            self.report.events += len(history)
            progress.update(done)
        RowWriter.reset_sequences(Inquiry, InquiryEvent)

    def _inquiry(self, pk, created, college_ids, weights, programmes, recent, members):
        rng, words = self.rng, self.words
        college = rng.choices(college_ids, cum_weights=weights)[0]
        nationality = self.nationality()
        name, email = self.person(nationality)
        duplicate_of = None
        if recent and rng.random() < DUPLICATE_SHARE:
            # Someone who writes again soon after, to the same college.
            earlier, college, email, then = recent[-rng.randint(1, len(recent))]
            if created - then < timedelta(days=30):
                duplicate_of = earlier
        kind = rng.choices(KINDS[0], cum_weights=KINDS[1])[0]
        offered = programmes.get(college, [])
        programme = None
        if kind == Kind.LANGUAGE:
            language_courses = [p for p, k in offered if k == "chinese_language"]
            programme = rng.choice(language_courses) if language_courses else None
        elif kind == Kind.STUDY and offered and rng.random() < 0.7:
            programme = rng.choice(offered)[0]
        language = "zh-hans" if rng.random() < CHINESE_SHARE else "en"
        template = rng.choice(words["messages"])
        subject = "this programme" if language == "en" else "该"
        message = template[language != "en"].format(programme=subject)
        organization, group_size, visit = "", None, (None, None)
        if kind in (Kind.CHINESE_BRIDGE, Kind.PARTNERSHIP):
            organization = rng.choice(words["organisations"])
            if kind == Kind.CHINESE_BRIDGE:
                group_size = rng.randint(5, 40)
                start = created.date() + timedelta(days=rng.randint(30, 300))
                end = start + timedelta(days=rng.randint(5, 21))
                visit = (start.isoformat(), end.isoformat())
        phone, apps = "", ""
        calling_code = phonenumbers.country_code_for_region(nationality)
        if calling_code and rng.random() < PHONE_SHARE:
            phone = f"+{calling_code}{rng.randint(10**8, 10**9 - 1)}"
            apps = ",".join(a for a in PhoneApp.values if rng.random() < 0.4)
        age = self.now - created
        table = STATUSES_RECENT if age < timedelta(days=21) else STATUSES_OLD
        status = rng.choices(table[0], cum_weights=table[1])[0]
        if status == Status.NEW:
            changed = created
        else:
            longest = min(age.total_seconds(), 60 * 86400)
            changed = created + timedelta(seconds=rng.uniform(0.05, 1) * longest)
        # Most inquiries past "new" at a college with officers are assigned.
        staff = members.get(college)
        assigned = None
        if staff and status != Status.NEW and rng.random() < 0.7:
            assigned = rng.choice(staff)
        mail_error = ""
        sent = created + timedelta(seconds=rng.randint(1, 30))
        if rng.random() < MAIL_ERROR_SHARE:
            mail_error = "SMTPServerDisconnected: Connection unexpectedly closed"
            sent = None
        return {
            "id": pk,
            "reference": self.reference(),
            "institution_id": college,
            "kind": str(kind),
            "full_name": name,
            "email": email,
            "nationality": nationality,
            "programme_id": programme,
            # A delegation gives its visit's dates instead of an intake.
            "intake": rng.choice(words["intakes"])
            if kind not in (Kind.PARTNERSHIP, Kind.CHINESE_BRIDGE)
            else "",
            "phone": phone,
            "phone_apps": apps,
            "start_date": visit[0],
            "end_date": visit[1],
            "organization": organization,
            "group_size": group_size,
            "message": message,
            "language": language,
            "consent_at": created,
            "created_at": created,
            "status": str(status),
            "status_changed_at": changed,
            "assigned_to_id": assigned,
            "duplicate_of_id": duplicate_of,
            "confirmation_sent_at": sent,
            "notification_sent_at": sent,
            "mail_error": mail_error,
        }

    def _event(self, pk, inquiry, members):
        by = inquiry["assigned_to_id"]
        staff = members.get(inquiry["institution_id"])
        if by is None and staff:
            by = self.rng.choice(staff)
        status = inquiry["status"]
        before = PREVIOUS.get(status)
        if before is None:  # withdrawn or spam: from any open status
            before = self.rng.choice(Inquiry.OPEN_STATUSES)
        return {
            "id": pk,
            "inquiry_id": inquiry["id"],
            "from_status": str(before),
            "to_status": status,
            "by_id": by,
            "at": inquiry["status_changed_at"],
        }


class RowWriter:
    """Writes plain rows (dicts by column name) into a model's table at the
    speed of the database's own bulk path: COPY on PostgreSQL, one prepared
    ``executemany`` on SQLite. Model instances and ``bulk_create`` cost ten
    times as much per row, which matters at a million rows.

    Ids are handed out here (``next_id``), so that rows can point at each
    other before they are written; ``reset_sequences`` then moves the
    database's id sequences past them.
    """

    def __init__(self, model):
        self.model = model
        self.fields = model._meta.concrete_fields
        self.columns = [f.column for f in self.fields]
        self.last_id = model.objects.aggregate(m=Max("pk"))["m"] or 0
        quote = connection.ops.quote_name
        self.table = quote(model._meta.db_table)
        self.column_list = ", ".join(quote(c) for c in self.columns)
        self.datetime_columns = {
            f.column for f in self.fields if isinstance(f, DateTimeField)
        }
        # What a column not given in a row holds: the field's default.
        self.defaults = {
            f.column: None if f.null and not f.has_default() else f.get_default()
            for f in self.fields
        }

    def next_id(self):
        self.last_id += 1
        return self.last_id

    def write(self, rows):
        if not rows:
            return
        columns, defaults = self.columns, self.defaults
        tuples = [tuple(row.get(c, defaults[c]) for c in columns) for row in rows]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                sql = f"COPY {self.table} ({self.column_list}) FROM STDIN"
                with cursor.cursor.copy(sql) as copy:
                    for values in tuples:
                        copy.write_row(values)
                return
            # As Django writes a datetime for SQLite: UTC, naive, ISO format.
            dates = [i for i, c in enumerate(columns) if c in self.datetime_columns]
            as_text = "{:%Y-%m-%d %H:%M:%S.%f}".format
            for n, values in enumerate(tuples):
                values = list(values)
                for i in dates:
                    if values[i] is not None:
                        values[i] = as_text(values[i].astimezone(UTC))
                tuples[n] = values
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {self.table} ({self.column_list}) VALUES ({marks})",
                tuples,
            )

    @staticmethod
    def reset_sequences(*models):
        statements = connection.ops.sequence_reset_sql(no_style(), models)
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


@functools.cache
def _handle(name):
    """The part of an e-mail address a name gives (nothing for a name in
    another script)."""
    return slugify(name).replace("-", "")

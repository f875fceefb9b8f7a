from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.lib.audited import AuditedManager
from portal.models import Municipality, Organisation

from .search import SearchTextField


class Axis(models.Model):
    """I: 市町村の自立的な行政運営の確保 / II: 「地域創生」、「やまがた創生」の実現."""

    objects = AuditedManager()
    code = models.CharField(_("code"), max_length=4, unique=True)
    name = models.CharField(_("name"), max_length=100)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order"]
        verbose_name = _("axis")
        verbose_name_plural = _("axes")

    def __str__(self):
        return f"{self.code} {self.name}"


class Method(models.Model):
    """A collaboration method (連携手法), e.g. 協議会 or 事務や施設等の共同化."""

    objects = AuditedManager()
    name = models.CharField(_("name"), max_length=60, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("collaboration method")
        verbose_name_plural = _("collaboration methods")

    def __str__(self):
        return self.name


class Category(models.Model):
    """One of the policy's five categories (I-① … II-③) with its main methods."""

    objects = AuditedManager()
    code = models.CharField(_("code"), max_length=8, unique=True)  # I-1, II-3
    label = models.CharField(_("label"), max_length=8)  # I-①
    axis = models.ForeignKey(Axis, models.PROTECT, related_name="categories",
                             verbose_name=_("axis"))
    name = models.CharField(_("name"), max_length=100)
    main_methods = models.ManyToManyField(Method, blank=True, related_name="categories",
                                          verbose_name=_("main methods"))
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return f"{self.label} {self.name}"


class PolicyField(models.Model):
    """A policy field (分野): 防災, 水道, 観光 …"""

    objects = AuditedManager()
    name = models.CharField(_("name"), max_length=40, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("policy field")
        verbose_name_plural = _("policy fields")

    def __str__(self):
        return self.name


class Initiative(models.Model):
    """A collaboration initiative or case study (連携の取組み・先進事例)."""

    objects = AuditedManager()

    class Scope(models.TextChoices):
        GROUP = "group", _("group of municipalities")
        REGION = "region", _("one region")
        REGIONS = "regions", _("several regions")
        PREFECTURE = "prefecture", _("whole prefecture")
        OUTSIDE = "outside", _("case from outside Yamagata")

    class Status(models.TextChoices):
        IDEA = "idea", _("idea")
        STUDY = "study", _("under study")
        ACTIVE = "active", _("in progress")
        DONE = "done", _("completed")
        PAUSED = "paused", _("paused")

    class Funding(models.TextChoices):
        NONE = "", _("none")
        JOINT_BUDGET = "joint_budget", _("joint budget (予算一体型)")
        SHARED_ROLES = "shared_roles", _("shared roles (役割分担型)")
        GRANT = "grant", _("subsidy or grant")

    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=1000)
    body = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(Category, models.PROTECT, related_name="initiatives",
                                 verbose_name=_("category"))
    methods = models.ManyToManyField(Method, related_name="initiatives",
                                     verbose_name=_("collaboration methods"))
    policy_fields = models.ManyToManyField(PolicyField, blank=True, related_name="initiatives",
                                    verbose_name=_("policy fields"))
    lead_organisation = models.ForeignKey(Organisation, models.PROTECT, null=True, blank=True,
                                          related_name="led_initiatives",
                                          verbose_name=_("lead organisation"))
    municipalities = models.ManyToManyField(Municipality, blank=True,
                                            related_name="initiatives",
                                            verbose_name=_("participating municipalities"))
    other_bodies = models.ManyToManyField(Organisation, blank=True,
                                          related_name="joined_initiatives",
                                          verbose_name=_("other participating bodies"))
    scope = models.CharField(_("scope"), max_length=20, choices=Scope.choices)
    outside_prefecture = models.CharField(_("prefecture of the case"), max_length=20,
                                          blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.IDEA)
    start_year = models.PositiveSmallIntegerField(_("first fiscal year"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("last fiscal year"), null=True, blank=True)
    funding = models.CharField(_("funding"), max_length=20, choices=Funding.choices,
                               blank=True, default=Funding.NONE)
    outcomes = models.TextField(_("outcomes"), blank=True)
    indicators = models.TextField(_("indicators"), blank=True)
    contact = models.CharField(_("contact"), max_length=300, blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    # When it was last published: the open data's 公開日 and the order of the feed of new cases.
    published_at = models.DateTimeField(_("published on"), null=True, blank=True)
    is_model = models.BooleanField(_("model project"), default=False)
    spread_from = models.ForeignKey("self", models.SET_NULL, null=True, blank=True,
                                    related_name="spread_to",
                                    verbose_name=_("spread from (横展開)"))
    is_demo = models.BooleanField(_("demo data"), default=False)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                    blank=True, related_name="+",
                                    verbose_name=_("proposed by"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # NFKC-normalised, kana-folded text of everything searchable; see collaboration/search.py.
    search_text = SearchTextField(editable=False, default="")
    # Its distinct characters and character pairs, for the index that serves searches.
    # The ids of the regions of its participating municipalities, of its methods, of its
    # policy fields and of its municipalities, as ",1,3," ("" for none): the catalogue counts
    # and filters by them from the row, not from every link row. Kept by
    # collaboration.services.link_sets.
    region_set = models.CharField(max_length=100, editable=False, default="")
    method_set = models.CharField(max_length=200, editable=False, default="")
    field_set = models.CharField(max_length=200, editable=False, default="")
    municipality_set = models.TextField(editable=False, default="")

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        indexes = [
            models.Index(fields=["is_published", "-updated_at"], name="initiative_published"),
            models.Index(fields=["-updated_at", "-id"], name="initiative_recent"),
            models.Index(fields=["category", "status"], name="initiative_category"),
            models.Index(fields=["start_year"], name="initiative_start_year"),
            # Serves the catalogue's facet counts and the dashboard's trends from the index
            # alone (an index-only scan), not the table with its long texts.
            models.Index(fields=["category", "status", "funding", "scope", "is_model",
                                 "start_year", "is_published", "region_set", "method_set",
                                 "field_set", "id"],
                         name="initiative_facet_columns"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_year__isnull=True) | models.Q(start_year__isnull=True)
                | models.Q(end_year__gte=models.F("start_year")),
                name="initiative_years_in_order"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("initiative_detail", args=[self.pk])

    @property
    def is_outside(self) -> bool:
        return self.scope == self.Scope.OUTSIDE


class Theme(models.Model):
    """A collaboration theme (連携テーマ) the council takes up, and the initiatives it led to."""

    objects = AuditedManager()

    class Status(models.TextChoices):
        CANDIDATE = "candidate", _("candidate")
        DISCUSSION = "discussion", _("under discussion")
        WORKING_TEAM = "working_team", _("being worked out by a working team")
        IMPLEMENTED = "implemented", _("made into an initiative")
        SPREADING = "spreading", _("spreading")
        DECLINED = "declined", _("not taken up")

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.CANDIDATE)
    policy_fields = models.ManyToManyField(PolicyField, blank=True, related_name="themes",
                                           verbose_name=_("policy fields"))
    region = models.ForeignKey("portal.Region", models.PROTECT, null=True, blank=True,
                               related_name="themes", verbose_name=_("region"),
                               help_text=_("Leave empty for a theme of the whole prefecture."))
    initiatives = models.ManyToManyField(Initiative, blank=True, related_name="themes",
                                         verbose_name=_("initiatives"))
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                    blank=True, related_name="+",
                                    verbose_name=_("proposed by"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # Set when the theme is not taken up; how long it was open ends there.
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("collaboration theme")
        verbose_name_plural = _("collaboration themes")
        indexes = [models.Index(fields=["status", "-created_at"], name="theme_status")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("theme_detail", args=[self.pk])

    def days_open(self, now=None) -> int:
        """Days from its creation until today, or until it was not taken up."""
        end = self.closed_at or now or timezone.now()
        return max(0, (timezone.localdate(end) - timezone.localdate(self.created_at)).days)


class ThemeStatusChange(models.Model):
    """One step of a theme's path: from which status to which, on which day, and why."""

    objects = AuditedManager()
    theme = models.ForeignKey(Theme, models.CASCADE, related_name="status_changes",
                              verbose_name=_("collaboration theme"))
    from_status = models.CharField(_("status before"), max_length=20, choices=Theme.Status.choices)
    to_status = models.CharField(_("status after"), max_length=20, choices=Theme.Status.choices)
    changed_on = models.DateField(_("date"))
    note = models.TextField(_("note"), max_length=2000)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                   blank=True, related_name="+", verbose_name=_("changed by"))
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["changed_on", "recorded_at", "id"]
        verbose_name = _("status change of a theme")
        verbose_name_plural = _("status changes of themes")

    def __str__(self):
        return f"{self.theme}: {self.get_from_status_display()} → {self.get_to_status_display()}"


class SynonymGroup(models.Model):
    """Words the catalogue's search treats as one (同義語): a search for any finds them all."""

    objects = AuditedManager()
    words = models.JSONField(_("words"), default=list)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("synonym group")
        verbose_name_plural = _("synonym groups")

    def __str__(self):
        return "、".join(self.words)


class SimilarityGram(models.Model):
    """One weighted term of an initiative in the similar-cases index: a character pair of its
    texts, or one of its fields (``f:<id>``) or methods (``m:<id>``)."""

    initiative = models.ForeignKey(Initiative, models.CASCADE, related_name="+")
    gram = models.CharField(max_length=12)
    weight = models.FloatField()
    # Among the initiative's heaviest terms: the rows a lookup reads to find candidates.
    strong = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["gram", "initiative", "weight"],
                                name="similarity_gram"),
                   models.Index(fields=["gram", "initiative", "weight"],
                                condition=models.Q(strong=True), name="similarity_strong")]
        constraints = [models.UniqueConstraint(fields=["initiative", "gram"],
                                               name="similarity_gram_once")]


class SimilarityTerm(models.Model):
    """How many initiatives the similar-cases index holds a term for (its document
    frequency), so a lookup reads a few rows instead of counting long lists."""

    gram = models.CharField(max_length=12, unique=True)
    documents = models.PositiveIntegerField(default=0)
    # Of which the term is among the initiative's heaviest (``SimilarityGram.strong``).
    strong_documents = models.PositiveIntegerField(default=0)


class SimilarCase(models.Model):
    """One of an initiative's most similar cases, kept (``collaboration/similar_store.py``) so
    that its page reads the list instead of scoring the index: the scoring query was 8 of the
    lookup's 13 ms on the decade data set."""

    initiative = models.ForeignKey(Initiative, models.CASCADE, related_name="+")
    case = models.ForeignKey(Initiative, models.CASCADE, related_name="+")
    score = models.FloatField()
    # The matching words the lookup gave (the reasons' 「…」), from the initiative's texts.
    words = models.JSONField(default=list)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["initiative", "case"],
                                               name="similar_case_once")]
        indexes = [models.Index(fields=["initiative", "-score"], name="similar_case_best")]


class NeedList(models.Model):
    """A need's most similar cases, kept (``collaboration/need_store.py``): the need (a
    municipality's answer, a survey's shared need) as it was asked, found again by ``key``,
    the digest of what it asks and of the synonym dictionary it was asked with."""

    key = models.CharField(max_length=64, unique=True)
    # What the need asks (title, text, field and method names), to make the list afresh.
    need = models.JSONField()
    asked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["-asked_at"], name="need_list_recent")]


class NeedCase(models.Model):
    """One of a kept need's most similar cases, with its score and matching words."""

    # The unique constraint below, need_list first, is the index it is read by.
    need_list = models.ForeignKey(NeedList, models.CASCADE, related_name="cases",
                                  db_index=False)
    case = models.ForeignKey(Initiative, models.CASCADE, related_name="+")
    score = models.FloatField()
    words = models.JSONField(default=list)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["need_list", "case"],
                                               name="need_case_once")]


class NetworkLink(models.Model):
    """How many initiatives two municipalities take part in together (those the dashboard's
    network counts: not prefecture-wide, at most a dozen participants), published and not,
    kept by collaboration/network.py as initiatives change, so the network reads 595 rows
    instead of pairing every participant of every initiative."""

    municipality_a = models.ForeignKey(Municipality, models.CASCADE, related_name="+")
    municipality_b = models.ForeignKey(Municipality, models.CASCADE, related_name="+")
    shared = models.PositiveIntegerField(default=0)  # published initiatives
    unpublished = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["municipality_a", "municipality_b"],
                                    name="network_link_once"),
            models.CheckConstraint(condition=models.Q(municipality_a__lt=models.F(
                "municipality_b")), name="network_link_in_order"),
        ]


class NetworkMember(models.Model):
    """The participants of an initiative as counted in ``NetworkLink``, and whether as
    published: what to take back out when the initiative changes."""

    initiative = models.ForeignKey(Initiative, models.CASCADE, related_name="+")
    municipality = models.ForeignKey(Municipality, models.CASCADE, related_name="+")
    published = models.BooleanField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["initiative", "municipality"],
                                               name="network_member_once")]


class FacetTally(models.Model):
    """How many initiatives have each value of each of the catalogue's facets (a category, a
    status, a region taking part …), published and unpublished apart, kept by
    collaboration/facet_tally.py as initiatives change: the whole catalogue's facets read a few
    hundred rows instead of grouping every initiative."""

    published = models.BooleanField()
    facet = models.CharField(max_length=20)
    key = models.CharField(max_length=40)  # as collaboration.facet_counts reads it
    initiatives = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["published", "facet", "key"],
                                               name="facet_tally_once")]


class FacetCounted(models.Model):
    """The facet values an initiative is counted with in ``FacetTally``, and whether as
    published: what to take back out when it changes."""

    initiative = models.OneToOneField(Initiative, models.CASCADE, primary_key=True,
                                      related_name="+")
    published = models.BooleanField()
    keys = models.TextField()  # "facet=key" tokens, one per line

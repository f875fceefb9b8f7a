"""Invites a list of people from CSV or xlsx: every row or none, each problem placed."""

import io
import unicodedata
from dataclasses import dataclass

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from portal import grants
from portal.lib.lg_code import normalize_lg_code
from portal.models import Organisation, User
from portal.services.accounts import AccountRefused, _clean_email, account_invite, check_grant
from portal.services.statistics_import import (
    Problem,
    StatisticsImportError,
    _column_letter,
    read_table,
)

MAX_ROWS = 1000

# The heading of each column, as the template names it, and what else people type.
COLUMNS = {
    "name": ("氏名", {"name", "氏名", "名前", "表示名"}),
    "email": ("メールアドレス", {"email", "e-mail", "メール", "メールアドレス", "電子メール"}),
    "role": ("役割", {"role", "役割", "権限"}),
    "organisation": ("団体コード・組織", {"organisation", "organization", "組織", "所属",
                                     "団体コード", "団体名", "団体コード・組織"}),
}
TEMPLATE_HEADINGS = [heading for heading, _names in COLUMNS.values()]
# Short names staff write in a spreadsheet, beside the roles' own labels and codes.
ROLE_ALIASES = {"県": User.Role.PREFECTURE, "連携支援室": User.Role.BRANCH,
                "市町村": User.Role.MUNICIPAL}


class AccountImportError(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(problem) for problem in problems[:5]))


@dataclass(frozen=True)
class Invitee:
    row: int
    name: str
    email: str
    role: str
    organisation: Organisation | None


def _normal(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower()


def role_lookup() -> dict[str, str]:
    lookup = {_normal(name): role for name, role in ROLE_ALIASES.items()}
    for code, label in User.Role.choices:
        lookup[_normal(code)] = code
        for language in ("ja", "en"):
            with translation.override(language):
                lookup[_normal(str(label))] = code
    return lookup


def _organisation_lookup() -> tuple[dict[str, Organisation], dict[str, list[Organisation]]]:
    by_code, by_name = {}, {}
    for organisation in Organisation.objects.select_related("municipality", "region"):
        if organisation.municipality_id:
            by_code[organisation.municipality.lg_code] = organisation
        by_name.setdefault(_normal(organisation.name), []).append(organisation)
    return by_code, by_name


def _positions(header: list[str]) -> tuple[dict[str, int], list[Problem]]:
    header = [_normal(cell) for cell in header]
    positions, problems = {}, []
    for column, (heading, names) in COLUMNS.items():
        names = {_normal(name) for name in names}
        index = next((i for i, cell in enumerate(header) if cell in names), None)
        if index is None:
            problems.append(Problem(1, "", _("The heading “%(column)s” is missing.")
                                    % {"column": heading}))
        else:
            positions[column] = index
    return positions, problems


def parse_invitees(*, actor, rows: list[list[str]]) -> list[Invitee]:
    """The people to invite, or AccountImportError with every problem of the file."""
    if not rows:
        raise AccountImportError([Problem(1, "", _("The file is empty."))])
    positions, problems = _positions(rows[0])
    if problems:
        raise AccountImportError(problems)
    if len(rows) - 1 > MAX_ROWS:
        raise AccountImportError([Problem(MAX_ROWS + 2, "", _(
            "A file may hold at most %(max)s rows.") % {"max": MAX_ROWS})])
    roles = role_lookup()
    by_code, by_name = _organisation_lookup()
    invitees, seen = [], {}
    for number, cells in enumerate(rows[1:], start=2):
        if not any(cells):
            continue

        def cell(column, cells=cells):
            index = positions[column]
            return cells[index] if index < len(cells) else ""

        def problem(column, message, number=number):
            heading = COLUMNS[column][0]
            place = f"{_column_letter(positions[column])} ({heading})"
            problems.append(Problem(number, place, message))

        name, email, role_text, where = (cell(c) for c in COLUMNS)
        before = len(problems)
        if not name:
            problem("name", _("Enter the person's name."))
        elif len(name) > 150:
            problem("name", _("The name is too long."))
        try:
            email = _clean_email(email)
        except AccountRefused as refusal:
            problem("email", refusal.message)
        else:
            if email.lower() in seen:
                problem("email", _("The same e-mail address as row %(row)s.")
                        % {"row": seen[email.lower()]})
            seen.setdefault(email.lower(), number)
        role = roles.get(_normal(role_text))
        if role is None:
            problem("role", _("Unknown role “%(value)s”; use one of: %(choices)s.")
                    % {"value": role_text[:40],
                       "choices": "、".join(str(User.Role(role).label)
                                           for role in grants.grantable_roles(actor))})
        organisation = None
        code = normalize_lg_code(where)
        if code in by_code:
            organisation = by_code[code]
        elif len(by_name.get(_normal(where), [])) == 1:
            organisation = by_name[_normal(where)][0]
        elif where:
            problem("organisation", _("No organisation has the code or name “%(value)s”.")
                    % {"value": where[:60]})
        if role is not None and len(problems) == before:
            try:
                check_grant(actor, role, organisation)
            except AccountRefused as refusal:
                problem("organisation" if refusal.field == "organisation" else "role",
                        refusal.message)
        if len(problems) == before:
            invitees.append(Invitee(number, name, email, role, organisation))
    if not invitees and not problems:
        problems.append(Problem(2, "", _("The file has headings but no data rows.")))
    if problems:
        raise AccountImportError(problems)
    return invitees


def import_accounts(*, actor, content: bytes, filename: str) -> list[User]:
    """Invites everyone in the file, or nobody: each gets an e-mail to set their password."""
    try:
        rows = read_table(content, filename)
    except StatisticsImportError as error:
        raise AccountImportError(error.problems) from None
    invitees = parse_invitees(actor=actor, rows=rows)
    with transaction.atomic():
        try:
            return [account_invite(actor=actor, name=invitee.name, email=invitee.email,
                                   role=invitee.role, organisation=invitee.organisation)
                    for invitee in invitees]
        except AccountRefused as refusal:  # a row taken between the check and the write
            raise AccountImportError([Problem(0, "", refusal.message)]) from None


def template_workbook() -> bytes:
    """An empty list with the headings, as the import expects them."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "アカウント"
    sheet.append(TEMPLATE_HEADINGS)
    for column, width in zip("ABCD", (20, 32, 20, 20), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

"""How meetings pages, e-mails and the packet name people: organisation, position and name
(「大蔵村 企画担当課長 山田 太郎」), never an account's user name."""


def person_name(user) -> str:
    full = f"{user.last_name} {user.first_name}".strip()
    return full or user.email or "—"


def person_label(user, position: str = "") -> str:
    """「組織 役職 氏名」 for a portal account; the organisation is left out when there is none."""
    organisation = user.organisation.name if user.organisation_id else ""
    name = person_name(user)
    if organisation and name.startswith(organisation):
        # An office's shared account is named after the office: say the office once.
        name = name[len(organisation):].strip() or name
    return " ".join(part for part in (organisation, position, name) if part)


def seat_label(seat) -> str:
    """A seat's holder as a member list names them, with or without a portal account."""
    return seat.label

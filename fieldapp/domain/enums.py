"""Closed lists of the domain. Values are stable codes (stored, synced, exported); the UI and the
printouts translate them through the message catalog under `enum.<Class>.<value>`."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    MEMBER = "member"
    TEAM_LEADER = "team_leader"
    ADMIN = "admin"


class Sex(StrEnum):
    MALE = "male"
    FEMALE = "female"


class TargetGroup(StrEnum):
    """The groups the campaigns name (glossary.md)."""

    FARMER = "farmer"
    CRAFTSMAN = "craftsman"
    COOPERATIVE_WORKER = "cooperative_worker"
    SELF_EMPLOYED = "self_employed"
    TRADER = "trader"
    SMALL_BUSINESS = "small_business"
    RESERVED_SI = "reserved_si"
    STUDENT = "student"
    POOR = "poor"
    NEAR_POOR = "near_poor"
    ETHNIC_MINORITY = "ethnic_minority"
    INFORMAL = "informal"
    OTHER = "other"


class SupportGroup(StrEnum):
    """The VSI state-support groups of the premium rules (rules.md), as `quote vsi --group` names them."""

    POOR = "poor"
    NEAR_POOR = "near_poor"
    ETHNIC_MINORITY = "ethnic_minority"
    OTHER = "other"


class Topic(StrEnum):
    VSI = "vsi"
    HI = "hi"
    RESERVED_SI = "reserved_si"
    VSSID = "vssid"
    NON_CASH_PENSION = "non_cash_pension"
    OTHER = "other"


class Outcome(StrEnum):
    ENROLLED = "enrolled"
    WILL_THINK = "will_think"
    REFUSED = "refused"
    ALREADY_INSURED = "already_insured"


class EventKind(StrEnum):
    CONFERENCE = "conference"
    MARKET_STALL = "market_stall"
    DOOR_TO_DOOR = "door_to_door"


class SiteKind(StrEnum):
    MARKET = "market"
    COMMUNE_HALL = "commune_hall"
    CULTURAL_HOUSE = "cultural_house"
    HAMLET = "hamlet"
    OTHER = "other"


class EnrolmentKind(StrEnum):
    VSI = "vsi"
    HOUSEHOLD_HI = "household_hi"
    DONATED_HI = "donated_hi"
    DONATED_VSI = "donated_vsi"


class HiStatePath(StrEnum):
    """Where the HI card of a person whose card the state pays or supports comes from (rules.md: they are
    enrolled in their own group, outside household HI). The rule list `hi.state_groups` says who."""

    STATE_PAYS = "state_pays"  # the state budget pays the card: the commune lists them
    STATE_SUPPORTS = "state_supports"  # the state pays part: through the commune's list, their share only
    SCHOOL = "school"  # pupils and students: through their school


class PaymentMethod(StrEnum):
    CASH = "cash"
    TRANSFER = "transfer"


class OutreachKind(StrEnum):
    VSSID_INSTALL = "vssid_install"
    NON_CASH_PENSION = "non_cash_pension"


class VsiStatus(StrEnum):
    NEVER = "never"
    ACTIVE = "active"
    PAUSED = "paused"


class PeriodKind(StrEnum):
    DAY = "day"
    PEAK_DAYS = "peak_days"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"
    CAMPAIGN = "campaign"


class ScopeKind(StrEnum):
    PROVINCE = "province"
    COMMUNE = "commune"
    TEAM = "team"
    MEMBER = "member"


class Metric(StrEnum):
    NEW_VSI = "new_vsi"
    NEW_HI = "new_hi"
    CONSULTATIONS = "consultations"
    EVENTS = "events"
    VSSID_INSTALLS = "vssid_installs"
    NON_CASH_PENSION = "non_cash_pension"
    DONATED_CARDS = "donated_cards"
    DONATED_BOOKS = "donated_books"


class AuditAction(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    VOID = "void"
    PRINT = "print"
    REPRINT = "reprint"
    ERASE = "erase"
    EXPORT = "export"
    IMPORT = "import"
    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    SIGN_OUT = "sign_out"
    BACKUP = "backup"
    RESTORE = "restore"
    DEMO_DATA = "demo_data"

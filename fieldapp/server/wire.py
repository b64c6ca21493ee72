"""The API's wire models: the request and response bodies the OpenAPI description is made from.

No `from __future__ import annotations`: FastAPI and pydantic read these annotations at run time, as the
route modules' (fieldapp/server/routes/) that name them.
"""

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictInt, StringConstraints

from fieldapp.protocol import ops

Id = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[0-9A-Za-z._:-]+$")]
# Text that goes into a column as it is: no NUL, which PostgreSQL cannot store in text.
Short = Annotated[str, StringConstraints(max_length=200, pattern=r"^[^\x00]*$")]
Hex = Annotated[str, StringConstraints(max_length=256, pattern=r"^[0-9A-Za-z+/=_-]*$")]
MAX_POS = 2**63 - 1


class ErrorDetail(BaseModel):
    model_config = ConfigDict(extra="allow")
    code: str


class ErrorResponse(BaseModel):
    detail: ErrorDetail


class EnrolProof(BaseModel):
    challenge: Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[0-9A-Za-z.]+$")] = Field(
        description="a challenge from GET /v1/enrol/challenge, less than ten minutes old"
    )
    signature: Annotated[str, StringConstraints(min_length=128, max_length=128, pattern=r"^[0-9a-fA-F]+$")] = Field(
        description="hex Ed25519 signature of fieldapp.domain.enrol_proof.message by the device's key"
    )


class EnrolRequest(BaseModel):
    code: Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[^\x00]*$")]
    device_id: Id
    name: Short
    public_key: Hex | None = None
    key_id: Hex | None = Field(default=None, description="ignored: the server computes it from public_key")
    proof: EnrolProof | None = Field(
        default=None, description="needed to enrol a device id the server knows (its first answer lost, a new team)"
    )


class Challenge(BaseModel):
    challenge: str
    expires_at: str


class BundleKeys(BaseModel):
    box: str = Field(description="hex X25519 public key laptops encrypt their sync bundles to")
    box_key_id: str
    sign: str = Field(description="hex Ed25519 public key that signs the server's answer bundles")
    sign_key_id: str


class PinKey(BaseModel):
    team_id: str
    key: str = Field(description="hex, 32 bytes: the team's PIN key, that seals its members' PIN verifiers")
    key_id: str


class PinKeys(BaseModel):
    keys: list[PinKey]


class EnrolResponse(BaseModel):
    device_id: str
    token: str
    team: dict[str, Any] | None
    province_code: str
    server_time: str
    bundle_keys: BundleKeys | None = None
    device_number: int | None = None  # the device part of its receipt series, unique on this server
    pin_keys: list[PinKey] | None = None  # the keys of the device's team (a province device: its teams)
    receipt_blocks: list[list[int]] = Field(default_factory=list, description="its receipt books, [[first, last], …]")


def _whole(value: Any) -> Any:
    """A JSON number with no fraction is an integer (JSON Schema says 204233.0 is one); a bool or text is not."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


class BlocksRequest(BaseModel):
    """What a laptop says of its receipt books: the next number it would issue from them (null: none issued)."""

    # the bounds before the validator: after it, pydantic writes them into the schema as bare ge/le keys
    next: Annotated[StrictInt, Field(ge=1, le=999_999_999), BeforeValidator(_whole)] | None = None


class BlocksResponse(BaseModel):
    blocks: list[list[int]] = Field(description="the device's receipt books, [[first, last], …], oldest first")


class Op(BaseModel):
    """An op as a push's JSON must hold it (types and lengths); `checked()` is the op itself."""

    op_id: Id
    entity: Annotated[str, StringConstraints(max_length=64)]
    entity_id: Id
    op: Annotated[str, StringConstraints(max_length=16)] = Field(description="create, update or erase")
    base_version: StrictInt | None = None
    payload: dict[str, Any] | list[Any] = Field(
        description="the outbox payload; an array only for the links of a prospect list (docs/sync-api.md)"
    )
    created_at: Annotated[str, StringConstraints(max_length=40)] | None = None
    actor: Id | None = Field(None, description="the member who made the change (a team leader for leader-only ops)")

    def checked(self) -> ops.Op:
        # field by field, not model_dump(): that copies every payload again, a tenth of a push's time
        return ops.Op(self.op_id, self.entity, self.entity_id, self.op, self.base_version, self.payload,
                      self.created_at, self.actor)  # fmt: skip


class PushRequest(BaseModel):
    ops: list[Op] = Field(description="1 to 500 ops, oldest first; more is answered 413")


class OpResult(BaseModel):
    op_id: str
    status: str = Field(description="accepted, conflict or rejected (a duplicate keeps its first status)")
    version: int | None
    reason: str | None
    http: int | None
    current: dict[str, Any] | None
    duplicate: bool = False
    detail: str | None = Field(None, description="what is wrong with a rejected op: the field and the problem")


class PushResponse(BaseModel):
    results: list[OpResult]
    server_time: str


class Change(BaseModel):
    pos: int
    entity: str
    id: str
    version: int | None
    record: dict[str, Any]


class PullResponse(BaseModel):
    changes: list[Change]
    next: int
    more: bool


class CountsResponse(BaseModel):
    counts: dict[str, int]


class DeviceKey(BaseModel):
    """What verifying a receipt offline needs; a device of the caller's province also has its team, name and
    enrolment time."""

    id: str
    key_id: str | None
    public_key: str | None
    revoked_at: str | None
    number: int | None = None
    blocks: list[list[int]] = Field(
        default_factory=list, description="its receipt books, [[first, last], …]: the numbers only it may sign"
    )
    team_id: str | None = None
    name: str | None = None
    enrolled_at: str | None = None


class DevicesResponse(BaseModel):
    devices: list[DeviceKey]


class Health(BaseModel):
    ok: bool
    version: str
    schema_: str | None = Field(alias="schema")


class RuleFileOut(BaseModel):
    sha256: str
    kind: str = Field(description="national or province")
    province: str | None = Field(description="the province of a province file; null for a national one")
    version: str
    issued: str
    body: str = Field(description="the rule file as provincial IT gave it (UTF-8 TOML, resources/rules format)")
    signature: str = Field(description="hex Ed25519 signature of ruleformat.signed_message(body) by the sign key")
    key_id: str = Field(description="the id of the server's sign key (GET /v1/bundle-keys)")


class RulesResponse(BaseModel):
    files: list[RuleFileOut]

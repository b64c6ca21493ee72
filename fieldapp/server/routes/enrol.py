"""Enrolment (docs/sync-api.md, "Authentication"): `GET /v1/enrol/challenge` and `POST /v1/enrol`, the
two routes a laptop calls without a token.

No `from __future__ import annotations`: FastAPI reads the routes' annotations at run time.
"""

import logging
from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from fieldapp.domain import enrol_proof
from fieldapp.server import enrolment, pins
from fieldapp.server.bundle import public_keys
from fieldapp.server.enrolment import Proof
from fieldapp.server.http_errors import ApiError
from fieldapp.server.routes.deps import Store
from fieldapp.server.store import EnrolRefused
from fieldapp.server.wire import Challenge, EnrolRequest, EnrolResponse, ErrorResponse

log = logging.getLogger(__name__)

router = APIRouter(tags=["devices"])


def _challenge_key(request: Request) -> bytes:
    """The app's challenge key, derived from the server's secret on first use (enrolment.key_for)."""
    state = request.app.state
    key = getattr(state, "challenge_key", None)
    if key is None:
        key = state.challenge_key = enrolment.key_for(state.store)
    return key


@router.get("/v1/enrol/challenge", response_model=Challenge)
def enrol_challenge(request: Request) -> JSONResponse:
    text, expires = enrolment.make(_challenge_key(request))
    expires_at = datetime.fromtimestamp(expires, UTC).isoformat(timespec="milliseconds")
    return JSONResponse({"challenge": text, "expires_at": expires_at})


@router.post(
    "/v1/enrol",
    status_code=201,
    response_model=EnrolResponse,
    responses={
        401: {"model": ErrorResponse, "description": "code_unknown, challenge_expired or proof_invalid"},
        403: {"model": ErrorResponse, "description": "device_revoked"},
        409: {"model": ErrorResponse, "description": "code_used, device_taken or key_taken"},
        410: {"model": ErrorResponse, "description": "code_expired"},
    },
)
def enrol(body: EnrolRequest, request: Request, store: Store) -> JSONResponse:
    proof = None
    if body.proof is not None:
        if not enrolment.fresh(_challenge_key(request), body.proof.challenge):
            raise ApiError(401, "challenge_expired")
        signed = enrol_proof.message(body.proof.challenge, body.device_id, body.code, body.public_key)
        proof = Proof(signed, body.proof.signature)
    try:
        answer = store.enrol(body.code, body.device_id, body.name, body.public_key, proof=proof)
    except EnrolRefused as refused:
        # the device id and the reason only: a code or a token never goes into a log
        log.warning("enrolment of device %s refused: %s", body.device_id, refused.code)
        raise ApiError(refused.status, refused.code) from None
    answer["bundle_keys"] = public_keys(store)  # sync by USB stick: docs/sync-api.md, "Bundles"
    answer["pin_keys"] = pins.keys_of_scope(store, (answer["team"] or {}).get("id"), answer["province_code"])
    log.info(
        "device %s enrolled (team %s, province %s)",
        body.device_id,
        answer["team"] and answer["team"]["id"],
        answer["province_code"],
    )
    return JSONResponse(answer, status_code=201)

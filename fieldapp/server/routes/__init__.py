"""The API's routes, one APIRouter per area (house-style.md, point 13); `fieldapp.server.app` includes them."""

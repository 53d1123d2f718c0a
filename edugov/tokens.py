"""API tokens that expire: a token older than TOKEN_TTL_HOURS is refused, and /api/token/
(edugov.views.ObtainTokenView) replaces it.

DRF's token has one row per user and a ``created`` time; rotating means deleting the old row, so a
leaked token stops working within the TTL without anyone noticing the leak."""
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed


def token_is_expired(token: Token, *, now=None) -> bool:
    return token.created < (now or timezone.now()) - timedelta(hours=settings.TOKEN_TTL_HOURS)


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_is_expired(token):
            raise AuthenticationFailed(_("令牌已过期,请重新获取(POST /api/token/)。"))
        return user, token


def token_for(user) -> Token:
    """The user's live token, a new one if the old has expired."""
    with transaction.atomic():
        token, created = Token.objects.select_for_update().get_or_create(user=user)
        if not created and token_is_expired(token):
            token.delete()
            token = Token.objects.create(user=user)
    return token

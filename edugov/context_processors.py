from django.utils.functional import SimpleLazyObject

from edugov.roles import role_of


def role(request):
    return {"user_role": role_of(request.user)}


def notices(request):
    """The header's unread count: one COUNT query, only for signed-in users and only if a page shows it."""
    from edugov.notices import unread_count

    user = getattr(request, "user", None)
    return {"unread_notices": SimpleLazyObject(lambda: unread_count(user) if user is not None else 0)}

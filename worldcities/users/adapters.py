from allauth.account.adapter import DefaultAccountAdapter

from . import eulogin


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up is closed: programme staff create accounts (and coordinators invite people)."""

    def is_open_for_signup(self, request):
        return False

    def get_logout_redirect_url(self, request):
        """After a sign-in through EU Login, logging out ends EU Login's session too, then
        comes back to the platform."""
        back_to = super().get_logout_redirect_url(request)
        if eulogin.enabled() and request.session.get(eulogin.SESSION_KEY):
            return eulogin.logout_url(request.build_absolute_uri(back_to))
        return back_to

from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up is closed: programme staff create accounts (and coordinators invite people)."""

    def is_open_for_signup(self, request):
        return False

from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "deflect.referrals"
    label = "referrals"

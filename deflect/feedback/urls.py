from django.urls import path, register_converter

from . import views


class LanguageConverter:
    regex = "en|es"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(LanguageConverter, "lang")

app_name = "feedback"
urlpatterns = [
    path("", views.home, name="home"),
    # The public form: stable addresses the resource guide, flyers and texts link to.
    path("<int:program_id>/", views.feedback_form, name="form"),
    path("<int:program_id>/<lang:lang>/", views.feedback_form, name="form-lang"),
    path("<int:program_id>/<lang:lang>/thanks/", views.feedback_thanks, name="thanks"),
    path("<int:program_id>/<lang:lang>/qr.svg", views.feedback_qr, name="qr"),
    path("<int:program_id>/responses/", views.responses, name="responses"),
]

"""URLs of the project."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from deliberation import throttle
from deliberation.views import proposals

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path(
        "login/",
        throttle.throttle(throttle.LOGIN_FAILURES)(auth_views.LoginView.as_view()),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # django-markdownx's addresses, served by our views: the live preview goes through
    # the nh3 sanitiser for known members only, and its anonymous image upload is refused.
    path("markdownx/markdownify/", proposals.markdown_preview, name="markdownx_markdownify"),
    path("markdownx/upload/", proposals.markdown_upload_refused, name="markdownx_upload"),
    path("", include("deliberation.urls")),
]

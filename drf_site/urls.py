from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from assessments.organisations import views as accounts
from assessments.organisations.forms import PasswordChangeForm
from drf_site import views as site_views

admin.site.site_header = "Digital Resilience Framework administration"
admin.site.site_title = "Digital Resilience admin"
admin.site.index_title = "Framework content and organisations"

# 503 with Retry-After, rather than 500, while the database is unreachable.
handler500 = site_views.server_error

urlpatterns = [
    path("healthz", site_views.healthz, name="healthz"),
    path("robots.txt", site_views.robots_txt, name="robots_txt"),
    path("admin/", admin.site.urls),
    # Django's auth views, with our email-address login and reset forms before the defaults.
    # Login: django-axes locks out repeated failures; ?next= only ever a path on this site.
    path("accounts/login/", accounts.login_view, name="login"),
    # Password reset: rate-limited, and the email is queued whatever the address.
    path("accounts/password_reset/", accounts.password_reset, name="password_reset"),
    # Our own templates: the admin's password change keeps the registration/ ones it ships with.
    path(
        "accounts/password_change/",
        auth_views.PasswordChangeView.as_view(
            form_class=PasswordChangeForm, template_name="registration/password_change.html"
        ),
        name="password_change",
    ),
    path(
        "accounts/password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="registration/password_changed.html"
        ),
        name="password_change_done",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("assessments.urls")),
    path("", include("framework.urls")),
]

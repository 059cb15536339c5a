from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from assessments.organisations.forms import LoginForm, PasswordChangeForm, PasswordResetForm

admin.site.site_header = "Digital Resilience Framework administration"
admin.site.site_title = "Digital Resilience admin"
admin.site.index_title = "Framework content and organisations"

urlpatterns = [
    path("admin/", admin.site.urls),
    # Django's auth views, with our email-address login and reset forms before the defaults.
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(form_class=PasswordResetForm),
        name="password_reset",
    ),
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

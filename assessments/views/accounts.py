"""Creating an account. Logging in and out and resetting a password are Django's auth views,
routed in drf_site/urls.py with our forms and templates."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import RedirectURLMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.generic import FormView

from assessments.forms import SignupForm


class SignupView(RedirectURLMixin, FormView):
    """Create an account and log in; then follow ?next= (e.g. an invitation) or create an
    organisation, since a new account belongs to none yet."""

    form_class = SignupForm
    template_name = "registration/signup.html"
    next_page = "assessments:organisation_create"

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated:
            return redirect(self.get_redirect_url() or "assessments:home")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: SignupForm) -> HttpResponse:
        login(self.request, form.save())
        messages.success(self.request, "Your account has been created and you are logged in.")
        return super().form_valid(form)

    def get_context_data(self, **kwargs) -> dict:
        return super().get_context_data(next=self.get_redirect_url(), **kwargs)


signup = SignupView.as_view()

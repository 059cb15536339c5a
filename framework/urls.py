from django.urls import path

from framework import views

app_name = "framework"

urlpatterns = [
    path("", views.home, name="home"),
    path("framework/", views.framework_detail, name="framework"),
    path("framework/<slug:key>/", views.domain_detail, name="domain"),
    path("resources/", views.resource_list, name="resources"),
    path("about/", views.about, name="about"),
]

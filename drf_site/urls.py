from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Digital Resilience Framework administration"
admin.site.site_title = "Digital Resilience admin"
admin.site.index_title = "Framework content and organisations"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("framework.urls")),
]

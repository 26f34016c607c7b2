from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from bigpicture import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("", include("repository.urls")),
]

if settings.DEBUG and settings.STORAGE_BACKEND == "local":
    from django.conf.urls.static import static

    urlpatterns += static("/media/public/", document_root=settings.MEDIA_ROOT / "public")

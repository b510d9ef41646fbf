"""The in-app notifications API: your own notifications, newest first, and marking them read.

Views are adapters: fetch through ``workflow.inbox`` (another user's notification is a 404, like a missing
one), call one service, render.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.filters import BooleanChoiceFilter
from api.views import NOT_SIGNED_IN, READ_ERRORS, _list_schema
from workflow import inbox, policies
from workflow.models import Notification


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    is_read = serializers.BooleanField(read_only=True)
    link = serializers.CharField(read_only=True, help_text=_("A path on this site, starting with a slash."))

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_display", "subject", "body", "link", "created_at", "read_at", "is_read"]
        read_only_fields = fields


class UnreadCountSerializer(serializers.Serializer[Any]):
    unread = serializers.IntegerField(help_text=_("How many of your notifications are unread."))


class MarkedReadSerializer(serializers.Serializer[Any]):
    marked = serializers.IntegerField(help_text=_("How many unread notifications were marked read."))


# ``unread=`` (empty) means every notification, as the inbox's links send it.
class NotificationFilter(filters.FilterSet):
    unread = BooleanChoiceFilter(
        field_name="read_at", lookup_expr="isnull", label=_("true: only unread ones; false: only read ones")
    )

    class Meta:
        model = Notification
        fields = ["unread"]


@_list_schema(NotificationSerializer)
class NotificationListView(generics.ListAPIView[Notification]):
    """Your notifications, newest first (``unread=true`` for the unread ones only)."""

    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter

    def get_queryset(self) -> QuerySet[Notification]:
        return policies.visible_notifications(self.request.user)


class NotificationUnreadCountView(APIView):
    """How many of your notifications are unread."""

    @extend_schema(
        operation_id="notifications_unread_count", responses={200: UnreadCountSerializer, 401: NOT_SIGNED_IN}
    )
    def get(self, request: Request) -> Response:
        return Response(UnreadCountSerializer({"unread": inbox.unread_count(request.user)}).data)


class NotificationReadView(APIView):
    """Mark one of your notifications read (again: no change)."""

    @extend_schema(
        operation_id="notifications_mark_read", request=None, responses={200: NotificationSerializer, **READ_ERRORS}
    )
    def post(self, request: Request, pk: int) -> Response:
        notification = inbox.notification_mark_read(actor=request.user, notification_id=pk)
        return Response(NotificationSerializer(notification).data)


class NotificationReadAllView(APIView):
    """Mark all your notifications read."""

    @extend_schema(
        operation_id="notifications_mark_all_read",
        request=None,
        responses={200: MarkedReadSerializer, 401: NOT_SIGNED_IN},
    )
    def post(self, request: Request) -> Response:
        marked = inbox.notifications_mark_all_read(actor=request.user)
        return Response(MarkedReadSerializer({"marked": marked}).data)

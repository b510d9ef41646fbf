"""API tokens: exchange a username and password for a token, and revoke it.

A token is DRF's ``authtoken`` (one per user; the admin lists and deletes them too). Issuing one checks the
password through the same counted backend as the sign-in page (``workflow.accounts``): after too many
failures the endpoint answers 429 with Retry-After, the right password or not.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.serializers import ErrorSerializer
from workflow import accounts

TokenSerializer = inline_serializer(name="AuthToken", fields={"token": serializers.CharField()})


class SignInPaused(exceptions.Throttled):
    """429 with the sign-in refusal's own sentence and its Retry-After (DRF's handler sets the header)."""

    def __init__(self, refusal: accounts.SignInRefusal) -> None:
        # ``wait`` is set after the constructor, which would otherwise append DRF's English "Expected available
        # in N seconds." to the sentence.
        super().__init__(detail=refusal.message)
        self.wait = refusal.retry_after_seconds


class TokenView(APIView):
    """Issue a token for a username and password (POST); revoke your token (DELETE)."""

    def get_permissions(self) -> list[BasePermission]:
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    @extend_schema(
        request=AuthTokenSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(ErrorSerializer, description="Wrong username or password, or a field missing."),
            401: OpenApiResponse(ErrorSerializer, description="The request also sent a token that is not valid."),
            429: OpenApiResponse(
                ErrorSerializer,
                description="Too many failed sign-ins for this username or from this address: try again after "
                "the Retry-After header's seconds.",
            ),
        },
        description="Exchange a username and password for a token; send it as `Authorization: Token <token>`. "
        "The same token is returned until it is revoked.",
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        if not serializer.is_valid():
            refusal = accounts.sign_in_refusal(request)
            if refusal is not None:
                raise SignInPaused(refusal)
            raise exceptions.ValidationError(serializer.errors)
        token, _created = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})

    @extend_schema(
        request=None,
        responses={
            204: OpenApiResponse(description="Your token is revoked: requests that send it get 401."),
            401: OpenApiResponse(ErrorSerializer, description="Not signed in, or the token is not valid."),
            403: OpenApiResponse(ErrorSerializer, description="Signed in with a session, without the CSRF token."),
        },
        description="Revoke your token (signed in with it or with a session). Your sessions are not affected.",
    )
    def delete(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = request.user
        if not isinstance(user, AbstractBaseUser):  # IsAuthenticated already answered 401; this tells mypy
            raise exceptions.NotAuthenticated
        Token.objects.filter(user=user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)

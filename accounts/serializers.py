from django.conf import settings
from rest_framework import serializers

from accounts.models import RoleChange, User
from accounts.roles import Role
from core.serializers import ModelSerializer


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, max_length=4096, style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True)


class UserSerializer(ModelSerializer):
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "full_name",
            "phone",
            "preferred_language",
            "roles",
            "is_active",
            "date_joined",
        ]
        read_only_fields = fields

    def get_roles(self, user: User) -> list[str]:
        # Reads the prefetched groups, so a list of users costs one query for all their roles.
        return sorted(group.name for group in user.groups.all())


class ProfileUpdateSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=200)
    phone = serializers.CharField(max_length=32, allow_blank=True, required=False, default="")
    preferred_language = serializers.ChoiceField(choices=settings.LANGUAGES)


class StaffUserCreateSerializer(serializers.Serializer):
    email = serializers.EmailField()
    full_name = serializers.CharField(max_length=200)
    phone = serializers.CharField(max_length=32, allow_blank=True, required=False, default="")
    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=Role.choices), min_length=1, max_length=7
    )


class RoleChangeRequestSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)
    reason = serializers.CharField(max_length=500, allow_blank=True, required=False, default="")


class RoleChangeSerializer(ModelSerializer):
    actor = serializers.EmailField(source="actor.email", read_only=True, allow_null=True, default=None)

    class Meta:
        model = RoleChange
        fields = ["id", "role", "action", "actor", "reason", "created_at"]
        read_only_fields = fields

from access.roles import Role
from access.selectors import user_roles


def roles(request):
    held = user_roles(request.user)
    return {"user_roles": held, "Role": Role, "role_values": {role.value for role in held}}

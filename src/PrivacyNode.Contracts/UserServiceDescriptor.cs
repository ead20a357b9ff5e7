using PrivacyNode.Contracts.V1;
using PrivacyNode.Rpc;

namespace PrivacyNode.Contracts;

/// <summary><c>privacynode.v1.UserService</c>, on the local endpoint.</summary>
public static class UserServiceDescriptor
{
    private static readonly Google.Protobuf.Reflection.ServiceDescriptor Service = UserReflection.Descriptor.FindTypeByName<Google.Protobuf.Reflection.ServiceDescriptor>("UserService");

    public static readonly Method<AddUserRequest, AddUserResponse> AddUser = ProtobufMethod.Create<AddUserRequest, AddUserResponse>(Service, "AddUser");

    public static readonly Method<ListUsersRequest, ListUsersResponse> ListUsers = ProtobufMethod.Create<ListUsersRequest, ListUsersResponse>(Service, "ListUsers");

    public static readonly Method<RemoveUserRequest, RemoveUserResponse> RemoveUser = ProtobufMethod.Create<RemoveUserRequest, RemoveUserResponse>(Service, "RemoveUser");
}

using Grpc.Core;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Node.Security;

namespace PrivacyNode.Node.Tests.Security;

/// <summary>Every local service method carries its rule; a method without one stops the node before it serves anything.</summary>
public sealed class LocalAccessRulesTests
{
    [Fact]
    public void MethodWithoutAllow_StopsTheStart()
    {
        var access = new LocalAccess(null!, null!);

        var ex = Assert.Throws<InvalidOperationException>(() => access.Learn(UserService.Descriptor, typeof(HalfRuled)));

        Assert.Contains("HalfRuled.ListUsers has no [Allow] rule", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryMethodWithAllow_IsLearnedWithItsRoles()
    {
        var access = new LocalAccess(null!, null!);

        access.Learn(UserService.Descriptor, typeof(Ruled));

        Assert.Equal([Role.Admin], access.Rules["/privacynode.v1.UserService/AddUser"]);
        Assert.Equal([Role.Admin, Role.Auditor], access.Rules["/privacynode.v1.UserService/ListUsers"]);
        Assert.Equal(3, access.Rules.Count);
    }

    private sealed class HalfRuled : UserService.UserServiceBase
    {
        [Allow(Role.Admin)]
        public override Task<AddUserResponse> AddUser(AddUserRequest request, ServerCallContext context) => Task.FromResult(new AddUserResponse());

        public override Task<ListUsersResponse> ListUsers(ListUsersRequest request, ServerCallContext context) => Task.FromResult(new ListUsersResponse());
    }

    private sealed class Ruled : UserService.UserServiceBase
    {
        [Allow(Role.Admin)]
        public override Task<AddUserResponse> AddUser(AddUserRequest request, ServerCallContext context) => Task.FromResult(new AddUserResponse());

        [Allow(Role.Admin, Role.Auditor)]
        public override Task<ListUsersResponse> ListUsers(ListUsersRequest request, ServerCallContext context) => Task.FromResult(new ListUsersResponse());

        [Allow(Role.Admin)]
        public override Task<RemoveUserResponse> RemoveUser(RemoveUserRequest request, ServerCallContext context) => Task.FromResult(new RemoveUserResponse());
    }
}

using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Node.Security;
using PrivacyNode.Node.Users;

namespace PrivacyNode.Node.Services;

/// <summary>UserService on the local endpoint: the agency's users and their tokens. Admin only.</summary>
public sealed class UserRpcService(UserStore users) : UserService.UserServiceBase
{
    internal static User ToProto(UserRecord record) => new()
    {
        Name = record.Name,
        Role = record.Role,
        CreatedAt = Timestamp.FromDateTimeOffset(record.CreatedAt),
        CreatedBy = record.CreatedBy,
    };

    [Allow(Role.Admin)]
    public override async Task<AddUserResponse> AddUser(AddUserRequest request, ServerCallContext context)
    {
        if (!UserName.IsValid(request.Name))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, UserName.Rule(request.Name)));
        }

        if (request.Role == Role.Unspecified || !System.Enum.IsDefined(request.Role))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "A role is required: admin, analyst or auditor."));
        }

        var token = BearerToken.Create();
        var caller = context.GetLocalCaller();
        if (!await users.AddAsync(request.Name, request.Role, BearerToken.Hash(token), caller.Actor, context.CancellationToken))
        {
            throw new RpcException(new Status(StatusCode.AlreadyExists, $"A user named '{request.Name}' already exists."));
        }

        var created = (await users.ListAsync(context.CancellationToken)).Single(u => u.Name == request.Name);
        return new AddUserResponse { User = ToProto(created), Token = token };
    }

    [Allow(Role.Admin)]
    public override async Task<ListUsersResponse> ListUsers(ListUsersRequest request, ServerCallContext context)
    {
        var response = new ListUsersResponse();
        response.Users.AddRange((await users.ListAsync(context.CancellationToken)).Select(ToProto));
        return response;
    }

    [Allow(Role.Admin)]
    public override async Task<RemoveUserResponse> RemoveUser(RemoveUserRequest request, ServerCallContext context)
    {
        return await users.RemoveAsync(request.Name, context.GetLocalCaller().Actor, context.CancellationToken) switch
        {
            RemoveUserOutcome.Removed => new RemoveUserResponse(),
            RemoveUserOutcome.NotFound => throw new RpcException(new Status(StatusCode.NotFound, $"No user named '{request.Name}'.")),
            _ => throw new RpcException(new Status(StatusCode.FailedPrecondition, $"'{request.Name}' is the last admin; add another admin first.")),
        };
    }
}

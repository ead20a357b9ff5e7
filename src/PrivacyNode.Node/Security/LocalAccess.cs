using System.Reflection;
using Grpc.Core;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Node.Audit;
using PrivacyNode.Node.Users;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;

namespace PrivacyNode.Node.Security;

/// <summary>
/// Access control on the local endpoint: every served method declares the roles that may call it
/// (<see cref="AllowAttribute"/>) or is public (health, reflection); calls carry
/// <c>authorization: Bearer &lt;token&gt;</c>. Methods without a rule are refused. Every refused call, by this
/// check or by its handler, is audited. An authorized call then waits for its user's turn under <paramref name="pacing"/>, if given.
/// </summary>
public sealed class LocalAccess(UserStore users, AuditLog audit, CallPacing? pacing = null)
{
    /// <summary>The longest refusal message kept in the audit record.</summary>
    private const int MaxMessageLength = 512;
    private static readonly object IdentifiedKey = new();
    private readonly Dictionary<string, Role[]> _rules = new(StringComparer.Ordinal);

    /// <summary>The paths with a rule, and their roles (empty for public).</summary>
    public IReadOnlyDictionary<string, Role[]> Rules => _rules;

    /// <summary>Makes every method of <paramref name="service"/> public (no token needed).</summary>
    public void AllowPublic(ServiceDescriptor service)
    {
        ArgumentNullException.ThrowIfNull(service);
        foreach (var method in service.Methods)
        {
            _rules.Add(PathOf(method), []);
        }
    }

    /// <summary>Takes the rule of every method of <paramref name="service"/> from its <see cref="AllowAttribute"/> in <paramref name="implementation"/>.</summary>
    /// <exception cref="InvalidOperationException">A method has no rule: a programming error, so the node does not start.</exception>
    public void Learn(ServiceDescriptor service, Type implementation)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(implementation);
        foreach (var method in service.Methods)
        {
            var rule = implementation.GetMethod(method.Name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)?.GetCustomAttribute<AllowAttribute>()
                ?? throw new InvalidOperationException($"{implementation.Name}.{method.Name} has no [Allow] rule.");
            _rules.Add(PathOf(method), rule.Roles);
        }
    }

    private static string PathOf(Google.Protobuf.Reflection.MethodDescriptor method) => $"/{method.Service.FullName}/{method.Name}";

    /// <summary>The endpoint's authorizer.</summary>
    public async ValueTask AuthorizeAsync(ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!_rules.TryGetValue(context.Method, out var roles))
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"{context.Method} has no access rule."));
        }

        if (roles.Length == 0)
        {
            return;
        }

        var header = context.RequestHeaders.GetValue("authorization");
        if (header is null)
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "Missing bearer token: pass --token or set PRIVACYNODE_TOKEN."));
        }

        const string scheme = "Bearer ";
        var token = header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? header[scheme.Length..].Trim() : null;
        if (!BearerToken.IsWellFormed(token))
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "The authorization header must be 'Bearer pn_…' with a token from 'privacynode user add'."));
        }

        var user = await users.FindByTokenHashAsync(BearerToken.Hash(token!), context.CancellationToken)
            ?? throw new RpcException(new Status(StatusCode.Unauthenticated, "Unknown or revoked token."));
        var caller = new LocalCaller(user.Name, user.Role, user.Id);
        context.UserState[IdentifiedKey] = caller;
        if (Array.IndexOf(roles, user.Role) < 0)
        {
            var allowed = string.Join(" or ", roles.Select(Roles.ToText));
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"{context.Method} needs role {allowed}; user '{user.Name}' is {Roles.ToText(user.Role)}."));
        }

        if (pacing is not null)
        {
            await pacing.WaitTurnAsync(user.Name, context.CancellationToken);
        }

        context.SetLocalCaller(caller);
    }

    /// <summary>
    /// The endpoint's refusal record: appends a <c>call.refused</c> record naming the caller (when the token was
    /// valid, even if its role was wrong), the method, the status and its message. Cancelled calls and
    /// passed deadlines are the caller's doing, not refusals, and are not recorded.
    /// </summary>
    public async ValueTask RecordRefusalAsync(ServerCallContext context, RpcException refusal)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(refusal);
        if (refusal.StatusCode is StatusCode.Cancelled or StatusCode.DeadlineExceeded)
        {
            return;
        }

        var actor = context.UserState.TryGetValue(IdentifiedKey, out var value) && value is LocalCaller caller ? caller.Actor : Actor.Anonymous;
        await RecordRefusalAsync(actor, context.Method, refusal.StatusCode, refusal.Status.Detail);
    }

    /// <summary>
    /// Appends the <c>call.refused</c> record of a refused call, page or form: <paramref name="method"/> names what was asked
    /// (a gRPC method, or the console's <c>GET /path</c>), <paramref name="status"/> why it was refused.
    /// </summary>
    public async Task RecordRefusalAsync(Actor actor, string method, StatusCode status, string message)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(message);
        var denied = status is StatusCode.PermissionDenied or StatusCode.Unauthenticated;
        await audit.AppendAsync(actor.Does("call.refused", denied ? "deny" : "error") with
        {
            ReasonCode = KebabCase.Of(status.ToString()),
            Details = new Dictionary<string, string> { ["method"] = method, ["message"] = message.Length > MaxMessageLength ? message[..MaxMessageLength] + "…" : message },
        }, CancellationToken.None);
    }
}

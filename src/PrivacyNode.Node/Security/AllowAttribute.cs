using PrivacyNode.Contracts.V1;

namespace PrivacyNode.Node.Security;

/// <summary>
/// The roles that may call a local endpoint method, on the method that implements it. A local service method
/// without this attribute stops the node from starting (<see cref="LocalAccess.Learn"/>).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class AllowAttribute(Role first, params Role[] more) : Attribute
{
    public Role[] Roles { get; } = [first, .. more];
}

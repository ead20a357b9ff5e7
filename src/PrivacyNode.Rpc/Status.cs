namespace PrivacyNode.Rpc;

/// <summary>The outcome of a call: a code and a human-readable detail.</summary>
/// <param name="Code">The status code.</param>
/// <param name="Detail">A message for people; empty for <see cref="StatusCode.OK"/>.</param>
public readonly record struct Status(StatusCode Code, string Detail)
{
    /// <summary>The successful status.</summary>
    public static Status Ok { get; } = new(StatusCode.OK, string.Empty);

    /// <inheritdoc />
    public override string ToString() => $"Status(StatusCode=\"{Code}\", Detail=\"{Detail}\")";
}

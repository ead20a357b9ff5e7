using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Google.Protobuf;

namespace PrivacyNode.Node;

/// <summary>
/// Named points in a job's life where the fault tests kill the node, as <c>kill -9</c> would, to check that the node restarts
/// with nothing half-written (docs/reliability.md). The environment variable <see cref="Variable"/> arms one point,
/// <c>name</c> or <c>name#n</c> (its n-th passage, from 1); the process then sends itself SIGKILL there. Unarmed (the
/// default), a point costs one comparison. Points:
/// <list type="bullet">
/// <item><c>job-started</c>: the requester recorded the job's start.</item>
/// <item><c>job-admitted</c>: the provider's grant admitted the job and counted the use.</item>
/// <item><c>sent:FIELD</c>, <c>received:FIELD</c>: a job stream's message whose oneof field is FIELD (<c>blinded</c>, <c>tags</c>, …) went out or came in.</item>
/// <item><c>tag-cache-written</c>: the provider wrote a new tag file, not yet its manifest.</item>
/// <item><c>job-provided</c>: the provider recorded its part, not yet sent its receipt.</item>
/// <item><c>result-written</c>: the requester wrote the result rows and the job's end, not yet committed.</item>
/// <item><c>result-disposed</c>: the requester deleted a result and wrote the disposal record, not yet committed.</item>
/// </list>
/// </summary>
internal static class CrashPoint
{
    /// <summary>The environment variable that arms a point.</summary>
    public const string Variable = "PRIVACYNODE_CRASH_AT";

    private static readonly (string Name, int Passage)? Armed = Parse(Environment.GetEnvironmentVariable(Variable));
    private static readonly ConcurrentDictionary<string, int> Passages = new(StringComparer.Ordinal);

    /// <summary>The armed point as configured, or null.</summary>
    public static string? Description => Armed is { } armed ? $"{armed.Name}#{armed.Passage.ToString(CultureInfo.InvariantCulture)}" : null;

    /// <summary>Passes point <paramref name="name"/>: kills this process if that is the armed point's armed passage.</summary>
    public static void Pass(string name)
    {
        if (Armed is { } armed && armed.Name == name && Passages.AddOrUpdate(name, 1, (_, n) => n + 1) == armed.Passage)
        {
            using var self = Process.GetCurrentProcess();
            self.Kill();
        }
    }

    /// <summary>Passes <c>sent:FIELD</c> or <c>received:FIELD</c> for a job stream's <paramref name="message"/>.</summary>
    public static void PassMessage(string direction, object? message)
    {
        if (Armed is not null && message is IMessage protobuf)
        {
            var field = protobuf.Descriptor.Oneofs.Count > 0 ? protobuf.Descriptor.Oneofs[0].Accessor.GetCaseFieldDescriptor(protobuf)?.Name : null;
            Pass($"{direction}:{field ?? protobuf.Descriptor.Name}");
        }
    }

    private static (string, int)? Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        // A value that is not name#n names a point as a whole, one that never matches: the node logs what is armed at start.
        var hash = value.LastIndexOf('#');
        return hash > 0 && int.TryParse(value.AsSpan(hash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var passage) && passage > 0
            ? (value[..hash].Trim(), passage)
            : (value.Trim(), 1);
    }
}

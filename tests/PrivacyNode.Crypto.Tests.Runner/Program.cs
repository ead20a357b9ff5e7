using System.Diagnostics;
using System.Reflection;
using Xunit;
using Xunit.Sdk;

namespace PrivacyNode.Crypto.Tests.Runner;

/// <summary>
/// Runs every xunit test of PrivacyNode.Crypto.Tests in this process, one after another: each [Fact], and each data row of
/// each [Theory] (the rows its data attributes yield), on a new instance of its class (disposed after). Skips what
/// dotnet test skips by default (a Skip reason, or the Slow category). Prints one line per failure and a summary;
/// exits 1 if any test failed, 0 otherwise. A filter argument runs only the tests whose full name contains it.
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var filter = args.Length > 0 ? args[0] : string.Empty;
        var assembly = typeof(Ed25519KeyPairTests).Assembly;
        var (passed, failed, skipped) = (0, 0, 0);
        var clock = Stopwatch.StartNew();
        foreach (var method in assembly.GetTypes().Where(t => t.IsPublic && !t.IsAbstract).SelectMany(t => t.GetMethods()).OrderBy(m => m.DeclaringType!.FullName).ThenBy(m => m.Name))
        {
            var fact = method.GetCustomAttribute<FactAttribute>();
            var name = $"{method.DeclaringType!.FullName}.{method.Name}";
            if (fact is null || !name.Contains(filter, StringComparison.Ordinal))
            {
                continue;
            }

            if (fact.Skip is not null || IsSlow(method) || IsSlow(method.DeclaringType))
            {
                skipped++;
                continue;
            }

            var rows = fact is TheoryAttribute ? method.GetCustomAttributes<DataAttribute>().SelectMany(d => d.GetData(method)).ToList() : [[]];
            foreach (var row in rows)
            {
                try
                {
                    await RunAsync(method, row);
                    passed++;
                }
                catch (Exception ex)
                {
                    failed++;
                    var cause = ex is TargetInvocationException { InnerException: { } inner } ? inner : ex;
                    Console.WriteLine($"FAIL {name}({string.Join(", ", row)}): {cause.GetType().Name}: {cause.Message}");
                }
            }
        }

        var carryless = global::PrivacyNode.Crypto.Blocks.Gf128.IsHardwareAccelerated;
        Console.WriteLine($"{System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture}: {passed} passed, {failed} failed, {skipped} skipped in {clock.Elapsed.TotalSeconds:0} s" +
            $" (carry-less multiply in hardware: {carryless}; ARM AES and PMULL: {System.Runtime.Intrinsics.Arm.Aes.IsSupported})");
        return failed == 0 && passed > 0 ? 0 : 1;
    }

    /// <summary>Whether <paramref name="member"/> is marked [Trait("Category", "Slow")] (xunit 2 keeps a trait only in the attribute's constructor arguments).</summary>
    private static bool IsSlow(MemberInfo member) => member.GetCustomAttributesData().Any(a =>
        a.AttributeType == typeof(TraitAttribute) && a.ConstructorArguments is [{ Value: "Category" }, { Value: "Slow" }]);

    private static async Task RunAsync(MethodInfo method, object?[] row)
    {
        var instance = method.IsStatic ? null : Activator.CreateInstance(method.DeclaringType!);
        try
        {
            var parameters = method.GetParameters();
            var arguments = row.Select((value, i) => value is null || parameters[i].ParameterType.IsInstanceOfType(value)
                ? value
                : Convert.ChangeType(value, Nullable.GetUnderlyingType(parameters[i].ParameterType) ?? parameters[i].ParameterType, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            var result = method.Invoke(instance, arguments);
            if (result is Task task)
            {
                await task;
            }
            else if (result is ValueTask valueTask)
            {
                await valueTask;
            }
        }
        finally
        {
            (instance as IDisposable)?.Dispose();
        }
    }
}

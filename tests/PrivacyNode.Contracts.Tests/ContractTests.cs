using System.Reflection;
using Google.Protobuf.Reflection;

namespace PrivacyNode.Contracts.Tests;

/// <summary>The generated contract: every service has its server base and client, and our protos follow one style.</summary>
public sealed class ContractTests
{
    private static readonly Assembly Contracts = typeof(V1.NodeService).Assembly;

    public static IEnumerable<FileDescriptor> ProtoFiles() =>
        Contracts.GetTypes()
            .Where(t => t.Name.EndsWith("Reflection", StringComparison.Ordinal))
            .Select(t => (FileDescriptor)t.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!);

    [Fact]
    public void EveryProtoService_HasAGeneratedServerBaseAndClient()
    {
        var services = ProtoFiles().Where(f => f.Package == "privacynode.v1").SelectMany(f => f.Services).ToList();

        Assert.NotEmpty(services);
        Assert.All(services, service =>
        {
            var container = Contracts.GetType($"PrivacyNode.Contracts.V1.{service.Name}");
            Assert.NotNull(container);
            Assert.NotNull(container.GetNestedType($"{service.Name}Base"));
            Assert.NotNull(container.GetNestedType($"{service.Name}Client"));
            Assert.Same(service, container.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)!.GetValue(null));
        });
    }

    [Fact]
    public void OurProtos_FollowTheStyleRules()
    {
        var problems = new List<string>();
        foreach (var file in ProtoFiles().Where(f => f.Package == "privacynode.v1"))
        {
            foreach (var service in file.Services)
            {
                if (!service.Name.EndsWith("Service", StringComparison.Ordinal))
                {
                    problems.Add($"service {service.Name} should end in Service");
                }

                foreach (var method in service.Methods)
                {
                    if (method.InputType.Name != method.Name + "Request")
                    {
                        problems.Add($"{service.Name}.{method.Name} takes {method.InputType.Name}, not {method.Name}Request");
                    }

                    if (method.OutputType.Name != method.Name + "Response")
                    {
                        problems.Add($"{service.Name}.{method.Name} returns {method.OutputType.Name}, not {method.Name}Response");
                    }
                }
            }

            foreach (var enumType in file.EnumTypes.Concat(file.MessageTypes.SelectMany(m => m.EnumTypes)))
            {
                if (!enumType.Values[0].Name.EndsWith("_UNSPECIFIED", StringComparison.Ordinal))
                {
                    problems.Add($"enum {enumType.Name} zero value {enumType.Values[0].Name} should end in _UNSPECIFIED");
                }
            }

            foreach (var field in file.MessageTypes.SelectMany(m => m.Fields.InDeclarationOrder()))
            {
                if (field.Name.Any(char.IsUpper))
                {
                    problems.Add($"field {field.FullName} should be snake_case");
                }
            }
        }

        Assert.Empty(problems);
    }
}

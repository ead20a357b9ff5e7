using System.Reflection;
using Google.Protobuf.Reflection;
using PrivacyNode.Rpc;

namespace PrivacyNode.Contracts.Tests;

public sealed class ServiceDescriptorTests
{
    private static readonly Assembly Contracts = typeof(NodeServiceDescriptor).Assembly;

    public static IEnumerable<FileDescriptor> ProtoFiles() =>
        Contracts.GetTypes()
            .Where(t => t.Name.EndsWith("Reflection", StringComparison.Ordinal))
            .Select(t => (FileDescriptor)t.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!);

    private static IEnumerable<IMethod> DescribedMethods() =>
        Contracts.GetTypes()
            .Where(t => t.Name.EndsWith("ServiceDescriptor", StringComparison.Ordinal))
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
            .Where(f => typeof(IMethod).IsAssignableFrom(f.FieldType))
            .Select(f => (IMethod)f.GetValue(null)!);

    [Fact]
    public void EveryProtoMethod_HasExactlyOneDescriptorField()
    {
        var inProto = ProtoFiles().SelectMany(f => f.Services).SelectMany(s => s.Methods).Select(m => $"/{m.Service.FullName}/{m.Name}").Order().ToList();
        var described = DescribedMethods().Select(m => m.FullName).Order().ToList();

        Assert.NotEmpty(inProto);
        Assert.Equal(inProto, described);
    }

    [Fact]
    public void Descriptors_HaveTheCallShapeOfTheProto()
    {
        var shapes = ProtoFiles().SelectMany(f => f.Services).SelectMany(s => s.Methods)
            .ToDictionary(m => $"/{m.Service.FullName}/{m.Name}", m => (m.IsClientStreaming, m.IsServerStreaming));

        foreach (var method in DescribedMethods())
        {
            var expected = shapes[method.FullName] switch
            {
                (false, false) => MethodType.Unary,
                (true, false) => MethodType.ClientStreaming,
                (false, true) => MethodType.ServerStreaming,
                _ => MethodType.DuplexStreaming,
            };
            Assert.Equal(expected, method.Type);
        }
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

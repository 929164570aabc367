using Mono.Cecil;
using Mono.Cecil.Cil;
using SdWeb.Api.A1111;

namespace SdWeb.Tests.Architecture;

/// <summary>
/// AUTOMATIC1111 clients send images as base64 or data URLs; one decoder (<see cref="A1111Base64"/>) reads them, so every
/// endpoint accepts the same spellings. Read from the compiled IL: any other method of the A1111 API calling .NET's
/// base64 decoding is a second copy.
/// </summary>
[Layer(Layer.Engine)]
public class A1111Base64Tests
{
    [Fact]
    public void OnlyA1111Base64DecodesBase64InTheA1111Api()
    {
        using var module = ModuleDefinition.ReadModule(typeof(Program).Assembly.Location);
        var a1111Namespace = typeof(A1111Base64).Namespace;

        var decoders = module.GetTypes()
            .Where(t => Outermost(t).Namespace == a1111Namespace)
            .SelectMany(t => t.Methods)
            .Where(m => m.HasBody && m.Body.Instructions.Any(CallsBase64Decoding))
            .Select(m => Outermost(m.DeclaringType).FullName)
            .Distinct()
            .ToList();

        Assert.Equal([typeof(A1111Base64).FullName!], decoders);
    }

    private static bool CallsBase64Decoding(Instruction instruction) =>
        instruction.OpCode.Code is Code.Call or Code.Callvirt
        && instruction.Operand is MethodReference { DeclaringType.FullName: "System.Convert" } method
        && method.Name.Contains("FromBase64", StringComparison.Ordinal);

    private static TypeDefinition Outermost(TypeDefinition type) => type.DeclaringType is null ? type : Outermost(type.DeclaringType);
}

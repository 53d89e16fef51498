using System.Reflection;
using System.Reflection.Emit;
using SocialInvestment.Engine;
using SocialInvestment.Model;

namespace SocialInvestment.Tests;

/// <summary>
/// The core's namespaces depend one way (docs/architecture.md): Model ← Engine ← Households ← Economics ←
/// Uncertainty ← Decisions; the root namespace (<c>Guard</c>, <c>Numerics</c>) depends on none of them. Checked
/// by reflection over the compiled core assembly, public and internal types alike (nested and
/// compiler-generated types count for the type that declares them): a type depends on every type
/// named by its base type and interfaces, field, property and event types, method and constructor
/// signatures (generic arguments, arrays and by-ref types unwrapped), and every type, method or
/// field its method bodies reference in IL. Documentation comments are not code and do not count.
/// </summary>
public class LayeringTests
{
    private static readonly string[] Layers = ["SocialInvestment.Model", "SocialInvestment.Engine", "SocialInvestment.Households", "SocialInvestment.Economics", "SocialInvestment.Uncertainty", "SocialInvestment.Decisions"];

    /// <summary>
    /// Dependencies against the direction that are known and not yet removed, each with its reason.
    /// When one goes, delete its line here (the test fails while a line names a dependency that no
    /// longer exists, so the list can only shrink).
    /// </summary>
    private static readonly (string From, string To, string Why)[] KnownExceptions =
    [
    ];

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    [Test]
    public void The_core_depends_one_way_model_engine_economics_uncertainty()
    {
        var violations = Violations();
        var known = KnownExceptions.Select(e => (e.From, e.To)).ToHashSet();
        var unexpected = violations.Where(v => !known.Contains(v)).Select(v => $"{v.From} → {v.To}").ToList();
        Assert.That(unexpected, Is.Empty, "dependencies against Model ← Engine ← Households ← Economics ← Uncertainty ← Decisions");
        var gone = KnownExceptions.Where(e => !violations.Contains((e.From, e.To))).Select(e => $"{e.From} → {e.To}").ToList();
        Assert.That(gone, Is.Empty, "known exceptions that no longer occur: delete them from KnownExceptions");
    }

    [Test]
    public void The_dependency_scan_sees_signatures_and_method_bodies()
    {
        // Signature: CohortEngine.Run takes a LifeCourseModel. Body only: ModelCompilation.Compile
        // calls the internal ModelCompiler. Generic argument: MicrosimOptions.Perspectives is an
        // IReadOnlyList<Perspective>. If the scan missed any of these, the layering test above could not fail.
        Assert.That(Dependencies(typeof(CohortEngine)), Does.Contain(typeof(LifeCourseModel)));
        Assert.That(Dependencies(typeof(ModelCompilation)).Select(t => t.FullName), Does.Contain("SocialInvestment.Engine.ModelCompiler"));
        Assert.That(Dependencies(typeof(MicrosimOptions)), Does.Contain(typeof(Perspective)));
        Assert.That(Rank(typeof(Guard).Namespace), Is.LessThan(Rank(typeof(LifeCourseModel).Namespace)));
        // The decision tools that value under PSA rank above Uncertainty; the compile stages the builder checks with rank in Model.
        Assert.That(Rank(typeof(global::SocialInvestment.Decisions.PortfolioValuation).Namespace), Is.GreaterThan(Rank(typeof(global::SocialInvestment.Uncertainty.PsaResult).Namespace)));
        Assert.That(Dependencies(typeof(LifeCourseModelBuilder)).Select(t => t.FullName), Does.Contain("SocialInvestment.Model.CompilationStages"));
    }

    private static HashSet<(string From, string To)> Violations()
    {
        var found = new HashSet<(string, string)>();
        foreach (var type in typeof(LifeCourseModel).Assembly.GetTypes())
        {
            var owner = Outermost(type);
            if (owner.Namespace?.StartsWith("SocialInvestment", StringComparison.Ordinal) != true)
            {
                continue; // <PrivateImplementationDetails>, embedded attributes
            }

            foreach (var dependency in Dependencies(type))
            {
                var target = Outermost(dependency);
                if (target.Assembly == type.Assembly && target.Namespace?.StartsWith("SocialInvestment", StringComparison.Ordinal) == true && Rank(target.Namespace) > Rank(owner.Namespace))
                {
                    found.Add((owner.FullName!, target.FullName!));
                }
            }
        }

        return found;
    }

    /// <summary>-1 for the root namespace, 0..5 for the layers; a namespace outside them is an error.</summary>
    private static int Rank(string? ns)
    {
        if (ns == "SocialInvestment")
        {
            return -1;
        }

        var rank = Array.IndexOf(Layers, ns);
        return rank >= 0 ? rank : throw new AssertionException($"The core has a namespace outside the layers: {ns}. Place it in docs/architecture.md and here.");
    }

    private static Type Outermost(Type type)
    {
        while (type.DeclaringType is { } outer)
        {
            type = outer;
        }

        return type;
    }

    private static HashSet<Type> Dependencies(Type type)
    {
        var result = new HashSet<Type>();
        void Add(Type? t)
        {
            if (t is null || t.IsGenericParameter)
            {
                return;
            }

            if (t.HasElementType)
            {
                Add(t.GetElementType());
                return;
            }

            if (t.IsGenericType && !t.IsGenericTypeDefinition)
            {
                Add(t.GetGenericTypeDefinition());
                foreach (var a in t.GetGenericArguments())
                {
                    Add(a);
                }

                return;
            }

            result.Add(t);
        }

        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        Add(type.BaseType);
        foreach (var i in type.GetInterfaces())
        {
            Add(i);
        }

        foreach (var f in type.GetFields(all))
        {
            Add(f.FieldType);
        }

        foreach (var p in type.GetProperties(all))
        {
            Add(p.PropertyType);
        }

        foreach (var e in type.GetEvents(all))
        {
            Add(e.EventHandlerType);
        }

        foreach (var m in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
        {
            if (m is MethodInfo mi)
            {
                Add(mi.ReturnType);
            }

            foreach (var p in m.GetParameters())
            {
                Add(p.ParameterType);
            }

            foreach (var referenced in BodyReferences(m))
            {
                Add(referenced);
            }
        }

        return result;
    }

    /// <summary>The types named by the type, method and field tokens of a method body's IL.</summary>
    private static IEnumerable<Type> BodyReferences(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
        {
            yield break;
        }

        var typeArgs = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        var methodArgs = method is MethodInfo { IsGenericMethod: true } g ? g.GetGenericArguments() : null;
        var i = 0;
        while (i < il.Length)
        {
            short value = il[i++];
            if (value == 0xFE)
            {
                value = unchecked((short)(0xFE00 | il[i++]));
            }

            var op = OpCodesByValue[value];
            var operand = op.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, i)),
                _ => 4,
            };
            if (op.OperandType is OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType)
            {
                MemberInfo? member = null;
                try
                {
                    member = method.Module.ResolveMember(BitConverter.ToInt32(il, i), typeArgs, methodArgs);
                }
                catch (ArgumentException)
                {
                    // A token into a generic context this scan does not reconstruct; its declaring type is seen elsewhere.
                }

                switch (member)
                {
                    case Type t:
                        yield return t;
                        break;
                    case MethodInfo m:
                        yield return m.DeclaringType!;
                        yield return m.ReturnType;
                        foreach (var a in m.IsGenericMethod ? m.GetGenericArguments() : [])
                        {
                            yield return a;
                        }

                        break;
                    case { DeclaringType: { } declaring }:
                        yield return declaring;
                        break;
                }
            }

            i += operand;
        }
    }
}

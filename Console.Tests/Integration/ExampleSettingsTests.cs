using System.Collections;
using System.Reflection;
using System.Text.Json;
using OpsConsole.Domain;
using OpsConsole.Domain.Data;
using OpsConsole.Tests.Support;
using OpsConsole.Web.Hosting.Auth;

namespace OpsConsole.Tests.Integration;

/// <summary>
/// appsettings.Example.json is the reference for operators, and it must agree with the options classes both ways: every
/// setting of every options class is in it, and everything in it is read by one (a key nothing reads is a setting an
/// operator believes in, and the console ignores).
/// </summary>
public sealed class ExampleSettingsTests
{
    /// <summary>Sections read by the host or a library rather than by an options class of ours.</summary>
    private static readonly Dictionary<string, string> ReadElsewhere = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ConnectionStrings"] = "GetConnectionString",
        ["Serilog"] = "Serilog's configuration reader",
        ["Urls"] = "the ASP.NET Core host",
        ["AllowedHosts"] = "host filtering",
    };

    /// <summary>Every options class, found by the interface all of them implement, with the section it binds.</summary>
    private static readonly Dictionary<string, Type> Sections = new[] { typeof(IValidatedOptions).Assembly, typeof(OidcOptions).Assembly }
        .SelectMany(a => a.GetTypes())
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IValidatedOptions).IsAssignableFrom(t))
        .ToDictionary(t => (string)t.GetField("Section", BindingFlags.Public | BindingFlags.Static)!.GetRawConstantValue()!,
            StringComparer.OrdinalIgnoreCase);

    public static TheoryData<string> OptionSections() => new(Sections.Keys.Order());

    [Fact]
    public void TheOptionsClasses_AreFound_WithTheirSections()
    {
        // Guards the discovery itself: were it to find nothing, the theories below would have nothing to check.
        Assert.Contains(DatabaseOptions.Section, Sections.Keys);
        Assert.Contains(OidcOptions.Section, Sections.Keys);
        Assert.True(Sections.Count >= 15, $"found only {string.Join(", ", Sections.Keys)}");
    }

    [Theory]
    [MemberData(nameof(OptionSections))]
    public void EverySettingOfAnOptionsClass_AppearsInTheExample(string section)
    {
        using var example = ReadExample();
        Assert.True(TryFind(example.RootElement, section, out var node), $"{section} is missing from appsettings.Example.json");

        AssertCovers(node, Sections[section], section);
    }

    [Fact]
    public void EveryKeyOfTheExample_IsReadByAnOptionsClass()
    {
        using var example = ReadExample();
        var unread = new List<string>();

        foreach (var top in example.RootElement.EnumerateObject())
        {
            if (ReadElsewhere.ContainsKey(top.Name))
                continue;
            CollectUnread(top.Value, top.Name, unread);
        }

        Assert.Empty(unread);
    }

    [Fact]
    public void TheExampleConnectionStrings_AreTheOnesTheConsoleReads()
    {
        using var example = ReadExample();

        var names = example.RootElement.GetProperty("ConnectionStrings").EnumerateObject().Select(p => p.Name);

        Assert.Equal([StoreSetup.ConnectionStringName, StoreSetup.MigrationsConnectionStringName], names);
    }

    private static JsonDocument ReadExample() => JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "appsettings.Example.json")));

    private static bool TryFind(JsonElement root, string path, out JsonElement node)
    {
        node = root;
        foreach (var name in path.Split(':'))
        {
            if (node.ValueKind != JsonValueKind.Object || !TryGetIgnoreCase(node, name, out node))
                return false;
        }
        return true;
    }

    /// <summary>Each settable property is present; a list of objects must show every property in at least one element.</summary>
    private static void AssertCovers(JsonElement node, Type options, string path)
    {
        foreach (var property in Settable(options))
        {
            Assert.True(TryGetIgnoreCase(node, property.Name, out var value), $"{path}:{property.Name} is missing from appsettings.Example.json");
            if (ElementType(property.PropertyType) is { } element && value.ValueKind == JsonValueKind.Array)
            {
                var shown = value.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object)
                    .SelectMany(e => e.EnumerateObject().Select(p => p.Name)).ToHashSet(StringComparer.OrdinalIgnoreCase);
                Assert.All(Settable(element), p => Assert.True(shown.Contains(p.Name), $"{path}:{property.Name}:*:{p.Name} is shown by no entry of the example"));
            }
        }
    }

    /// <summary>Walks a section of the example: a key is read when a class binding that section has the property, or another section lies below it.</summary>
    private static void CollectUnread(JsonElement node, string path, List<string> unread)
    {
        Sections.TryGetValue(path, out var options);
        var deeper = Sections.Keys.Any(s => s.StartsWith(path + ":", StringComparison.OrdinalIgnoreCase));
        if (options is null && !deeper)
        {
            unread.Add(path);
            return;
        }
        if (node.ValueKind != JsonValueKind.Object)
        {
            unread.Add($"{path} (a value where a section is expected)");
            return;
        }
        foreach (var child in node.EnumerateObject())
        {
            var childPath = $"{path}:{child.Name}";
            var property = options is null ? null : Settable(options).FirstOrDefault(p => p.Name.Equals(child.Name, StringComparison.OrdinalIgnoreCase));
            if (property is not null)
                CollectUnreadValue(child.Value, property.PropertyType, childPath, unread);
            else
                CollectUnread(child.Value, childPath, unread);
        }
    }

    /// <summary>Inside a bound property: objects in a list must match the element's properties; dictionaries take any key.</summary>
    private static void CollectUnreadValue(JsonElement value, Type type, string path, List<string> unread)
    {
        if (value.ValueKind == JsonValueKind.Array && ElementType(type) is { } element)
        {
            foreach (var (item, index) in value.EnumerateArray().Select((e, i) => (e, i)))
                foreach (var key in item.EnumerateObject().Where(p => !Settable(element).Any(s => s.Name.Equals(p.Name, StringComparison.OrdinalIgnoreCase))))
                    unread.Add($"{path}:{index}:{key.Name}");
        }
    }

    private static IEnumerable<PropertyInfo> Settable(Type type) => type.GetProperties().Where(p => p.CanWrite);

    /// <summary>The element class of a list of objects (ConfiguredApiKey in Api:Keys); null for lists of values and for dictionaries.</summary>
    private static Type? ElementType(Type type) =>
        type != typeof(string) && !typeof(IDictionary).IsAssignableFrom(type) && typeof(IEnumerable).IsAssignableFrom(type)
        && type.IsGenericType && type.GetGenericArguments()[0] is { IsClass: true } element && element != typeof(string)
            ? element : null;

    private static bool TryGetIgnoreCase(JsonElement node, string name, out JsonElement value)
    {
        foreach (var property in node.EnumerateObject())
            if (property.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        value = default;
        return false;
    }
}

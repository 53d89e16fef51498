using System.Text;
using SocialInvestment.Households;
using SocialInvestment.Model;
using SocialInvestment.Scenarios;

namespace SocialInvestment.Csv.Tests;

/// <summary>The household tables: the default's read into a definition; good and bad tables; a scenario without them unchanged.</summary>
public class HouseholdFilesTests
{
    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    private static readonly Scenario Scenario = NorwegianDefault.Load();
    private static readonly LifeCourseModel Model = Scenario.BuildModel();

    private static Dictionary<string, byte[]> Minimal() => new()
    {
        [HouseholdFiles.RolesFileName] = B("role,age_out,becomes,description\nadult,,,\nchild,18,,\n"),
        [HouseholdFiles.TemplatesFileName] = B("template,weight,member,role,start_age,start_state,start_weight,source\npair,1,1,adult,40,work,0.5,\npair,,1,adult,40,unemployed,0.5,\npair,,2,child,12,cw_inhome,,\n"),
    };

    private static List<string> Problems(Dictionary<string, byte[]> files)
    {
        var e = Assert.Throws<ScenarioFormatException>(() => HouseholdFiles.Parse(files, Scenario, Model))!;
        return [.. e.Problems.Select(p => p.ToString())];
    }

    [Test]
    public void Default_reads_into_a_definition_with_its_sources()
    {
        var h = HouseholdFiles.Default(Scenario, Model);
        var d = h.Definition;
        Assert.Multiple(() =>
        {
            Assert.That(d.Roles.Select(r => r.Name), Is.EqualTo(new[] { "adult", "child", "young_adult" }));
            Assert.That(d.Roles[1].AgeOut, Is.EqualTo(AgeOut.StaysAs(18, "young_adult")));
            Assert.That(d.Templates.Select(t => (t.Name, t.Weight, t.Members.Count)), Is.EqualTo(new[] { ("one adult with child", 0.6, 2), ("two adults with child", 0.4, 3) }));
            Assert.That(d.Templates[0].Members[0].Starts.Sum(s => s.Weight), Is.EqualTo(1.0).Within(1e-12));
            Assert.That(d.Links, Has.Count.EqualTo(4));
            Assert.That(d.Links[0].While, Is.EqualTo(HouseholdCondition.None("adult", "work")));
            Assert.That(d.Links[3].While, Is.EqualTo(HouseholdCondition.Any("child", "cw_foster", "cw_institution")));
            Assert.That(d.Links.All(l => l.Source!.Contains("illustrative", StringComparison.Ordinal)), "every default link says it is illustrative");
            Assert.That(d.Flows.Select(f => f.AmountPerCycle), Is.EqualTo(new[] { 30_000.0, -30_000.0 }));
            Assert.That(d.FamilyPayer, Is.EqualTo(Payer.Individual));
            Assert.That(d.Size, Is.EqualTo(1000));
            Assert.That(d.Strategies.Select(s => s.Name), Is.EqualTo(new[] { "Business as usual", "Family team for the household" }));
            var team = d.Strategies[1].Interventions.Single();
            Assert.That((team.Uptake, team.UptakeParameter, team.DurationCycles, team.FamilyHoursPerCycle, team.FamilyValuePerHour), Is.EqualTo((1.0, "uptake_family", 2, 100.0, 347.0)), "uptake 1 × uptake_family (0.8)");
            Assert.That(team.Effects, Has.Count.EqualTo(5));
            Assert.That(team.Effects.Select(e => (e.HazardRatio, e.Parameter)).Take(3), Is.EqualTo(new[] { (1.0, "family_rr_placement"), (1.0, "family_rr_placement"), (1.3, (string?)null) }));
            Assert.That((team.Costs.Single().AmountPerCycle, team.Costs.Single().Parameter), Is.EqualTo((1.0, "cost_family_team")), "1 × cost_family_team (150 000 per family-year)");
            Assert.That(h.FamilyHourValueSource, Does.Contain("SSB"));
            Assert.That(h.Comparator, Is.EqualTo("Business as usual"));
        });
    }

    [Test]
    public void A_minimal_pair_of_tables_is_enough_and_the_comparator_is_business_as_usual()
    {
        var h = HouseholdFiles.Parse(Minimal(), Scenario, Model);
        Assert.That(h.Definition.Templates.Single().Members.Select(m => m.Role), Is.EqualTo(new[] { "adult", "child" }));
        Assert.That(h.Definition.Strategies.Single().Name, Is.EqualTo(Scenario.Settings.Comparator));
        Assert.That(h.Definition.Roles[1].AgeOut, Is.EqualTo(AgeOut.LeavesAt(18)));
    }

    [Test]
    public void A_scenario_folder_without_household_tables_has_none_and_with_them_reads_them()
    {
        var dir = Directory.CreateTempSubdirectory("hh-").FullName;
        try
        {
            NorwegianDefault.WriteTo(dir);
            Assert.That(HouseholdFiles.TryRead(dir, Scenario, Model)!.Definition.Templates, Has.Count.EqualTo(2));
            foreach (var f in HouseholdFiles.FileNames)
            {
                File.Delete(Path.Combine(dir, f));
            }

            Assert.That(HouseholdFiles.Present(dir), Is.False);
            Assert.That(HouseholdFiles.TryRead(dir, ScenarioReader.Read(dir), Model), Is.Null);
            Assert.That(ScenarioReader.Read(dir), Is.EqualTo(Scenario), "the scenario itself does not depend on the household tables");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void A_register_gives_one_household_per_id()
    {
        var files = Minimal();
        files.Remove(HouseholdFiles.TemplatesFileName);
        files[HouseholdFiles.RegisterFileName] = B("household_id,person_id,role,age,state\nh1,p1,adult,40,work\nh1,p2,child,12,cw_inhome\nh2,p3,adult,35,neet\n");
        var d = HouseholdFiles.Parse(files, Scenario, Model).Definition;
        Assert.That(d.RegisterIds, Is.EqualTo(new[] { "h1", "h2" }));
        Assert.That(d.RegisterHouseholds[0].Members.Select(m => (m.Role, m.Starts.Single().State)), Is.EqualTo(new[] { ("adult", "work"), ("child", "cw_inhome") }));
    }

    [Test]
    public void Bad_roles_templates_and_settings_name_file_line_and_field()
    {
        var files = Minimal();
        files[HouseholdFiles.RolesFileName] = B("role,age_out,becomes,description\nadult,,,\nchild,-1,pupil,\nadult,,,\n");
        files[HouseholdFiles.TemplatesFileName] = B("template,weight,member,role,start_age,start_state,start_weight,source\npair,,1,adult,40,work,,\npair,,2,parent,12,home,,\npair,,0,adult,x,work,,\n");
        files[HouseholdFiles.SettingsFileName] = B("setting,value,source\nfamily_payer,state,\nhouseholds,0,\nhouseholds,5,\ncolour,blue,\n");
        var text = Problems(files);
        Assert.Multiple(() =>
        {
            Assert.That(text, Has.Some.StartWith("household_roles.csv:3:2: [age_out] The age-out age must be > 0"));
            Assert.That(text, Has.Some.StartWith("household_roles.csv:3:3: [becomes] Unknown role 'pupil'"));
            Assert.That(text, Has.Some.StartWith("household_roles.csv:4:1: [role] The role 'adult' is already defined on line 2"));
            Assert.That(text, Has.Some.StartWith("household_templates.csv:2:2: [weight] The first row of a template gives its weight"));
            Assert.That(text, Has.Some.StartWith("household_templates.csv:3:4: [role] Unknown role 'parent'"));
            Assert.That(text, Has.Some.StartWith("household_templates.csv:3:6: [start_state] Unknown state 'home'"));
            Assert.That(text, Has.Some.StartWith("household_templates.csv:4:3: [member] The member number must be from 1 to 16"));
            Assert.That(text, Has.Some.StartWith("household_templates.csv:4:5: [start_age]"));
            Assert.That(text, Has.Some.StartWith("household_settings.csv:2:2: [value] The family payer 'state' is a public payer"));
            Assert.That(text, Has.Some.StartWith("household_settings.csv:3:2: [value] The number of households must be > 0"));
            Assert.That(text, Has.Some.StartWith("household_settings.csv:4:1: [setting] The setting 'households' is already given on line 3"));
            Assert.That(text, Has.Some.StartWith("household_settings.csv:5:1: [setting] Unknown setting 'colour'"));
        });
    }

    [Test]
    public void Bad_links_flows_interventions_and_strategies_name_file_line_and_field()
    {
        var files = Minimal();
        files[HouseholdFiles.LinksFileName] = B("role,from,to,hazard_ratio,condition,source\nchild,cw_inhome,cw_foster,-2,none adult in work,\nchild,cw_inhome,cw_foster,2,none parent in work,\nchild,cw_inhome,cw_foster,2,some adult in work,\nchild,cw_inhome,cw_foster,2,none adult in work or,\nchild,cw_inhome,cw_foster,2,(none adult in work,\n");
        files[HouseholdFiles.FlowsFileName] = B("flow,payer,sector,kind,amount,condition,source\nrent,nav,housing,transfer,1,,\nrent,state,benefits,gift,1;5,,\n");
        files[HouseholdFiles.InterventionsFileName] = B("intervention,eligible,uptake,duration_years,family_hours_per_year,family_hour_value,family_sector,description\nteam,any child in cw_inhome,1.5,2.5,-1,-3,garden,\n");
        files[HouseholdFiles.EffectsFileName] = B("intervention,role,from,to,hazard_ratio,source\nsquad,child,cw_inhome,cw_foster,0.5,\n");
        files[HouseholdFiles.CostsFileName] = B("intervention,payer,sector,kind,amount,source\nteam,municipality,child-welfare,,,\n");
        files[HouseholdFiles.StrategiesFileName] = B("strategy,member_strategy,intervention\nnone,Nothing,\nteam,,squad\n");
        var text = Problems(files);
        Assert.Multiple(() =>
        {
            Assert.That(text, Has.Some.StartWith("household_links.csv:2:4: [hazard_ratio] A hazard ratio must be ≥ 0"));
            Assert.That(text, Has.Some.StartWith("household_links.csv:3:5: [condition] The condition 'none parent in work': 'parent' is not a role"));
            Assert.That(text, Has.Some.StartWith("household_links.csv:4:5: [condition] The condition 'some adult in work': 'some' is not a term"));
            Assert.That(text, Has.Some.StartWith("household_links.csv:5:5: [condition] The condition 'none adult in work or': it ends where"));
            Assert.That(text, Has.Some.StartWith("household_links.csv:6:5: [condition] The condition '(none adult in work': it ends where ')'"));
            Assert.That(text, Has.Some.StartWith("household_flows.csv:2:2: [payer] Unknown payer 'nav'"));
            Assert.That(text, Has.Some.StartWith("household_flows.csv:2:3: [sector] Unknown sector 'housing'"));
            Assert.That(text, Has.Some.StartWith("household_flows.csv:3:1: [flow] The household flow 'rent' is already defined on line 2"));
            Assert.That(text, Has.Some.StartWith("household_flows.csv:3:4: [kind] 'gift' is not one of"));
            Assert.That(text, Has.Some.StartWith("household_flows.csv:3:5: [amount]"));
            Assert.That(text, Has.Some.StartWith("household_interventions.csv:2:3: [uptake] The uptake must lie in [0, 1]"));
            Assert.That(text, Has.Some.StartWith("household_interventions.csv:2:4: [duration_years] The duration must be ≥ 0 and a whole number of cycles"));
            Assert.That(text, Has.Some.StartWith("household_interventions.csv:2:5: [family_hours_per_year]"));
            Assert.That(text, Has.Some.StartWith("household_interventions.csv:2:6: [family_hour_value]"));
            Assert.That(text, Has.Some.StartWith("household_interventions.csv:2:7: [family_sector] Unknown sector 'garden'"));
            Assert.That(text, Has.Some.StartWith("household_effects.csv:2:1: [intervention] Unknown household intervention 'squad'"));
            Assert.That(text, Has.Some.StartWith("household_costs.csv:2:5: [amount] A number is required"));
            Assert.That(text, Has.Some.StartWith("household_strategies.csv:2:2: [member_strategy] Unknown strategy 'Nothing'"));
            Assert.That(text, Has.Some.StartWith("household_strategies.csv:3:3: [intervention] Unknown household intervention 'squad'"));
        });
    }

    [Test]
    public void Parameter_columns_name_parameters_of_the_scenario_and_unknown_ones_are_refused()
    {
        var files = Minimal();
        files[HouseholdFiles.LinksFileName] = B("role,from,to,hazard_ratio,condition,source,parameter\nchild,cw_inhome,cw_foster,2,none adult in work,,family_rr_placement\nchild,cw_inhome,cw_institution,2,none adult in work,,\n");
        files[HouseholdFiles.FlowsFileName] = B("flow,payer,sector,kind,amount,condition,source,parameter\nrent,state,benefits,transfer,1,,,cost_ips\n");
        var d = HouseholdFiles.Parse(files, Scenario, Model).Definition;
        Assert.That(d.Links.Select(l => l.Parameter), Is.EqualTo(new[] { "family_rr_placement", null }));
        Assert.That(d.Flows.Single().Parameter, Is.EqualTo("cost_ips"));

        files[HouseholdFiles.LinksFileName] = B("role,from,to,hazard_ratio,condition,source,parameter\nchild,cw_inhome,cw_foster,2,none adult in work,,hr_nowhere\n");
        files[HouseholdFiles.InterventionsFileName] = B("intervention,eligible,uptake,duration_years,uptake_parameter\nteam,any child in cw_inhome,1,2,uptake_nobody\n");
        var text = Problems(files);
        Assert.That(text, Has.Some.StartWith("household_links.csv:2:7: [parameter] Unknown parameter 'hr_nowhere'; the parameters are neet_work_scale"));
        Assert.That(text, Has.Some.StartWith("household_interventions.csv:2:5: [uptake_parameter] Unknown parameter 'uptake_nobody'"));
    }

    [Test]
    public void Problems_the_definition_finds_are_located_at_the_row()
    {
        // Both rows parse; the definition refuses a link on a transition the model lacks and one out of an absorbing state.
        var files = Minimal();
        files[HouseholdFiles.LinksFileName] = B("role,from,to,hazard_ratio,condition,source\nchild,cw_inhome,cw_foster,2,none adult in work,\nchild,cw_foster,prison,2,always,\nadult,dead,work,2,always,\n");
        var text = Problems(files);
        Assert.That(text, Has.Some.Matches(@"^household_links\.csv:3: \[hazard_ratio\] .*the model has no transition cw_foster → prison"));
        Assert.That(text, Has.Some.Matches(@"^household_links\.csv:4: \[hazard_ratio\] .*the state 'dead' is absorbing"));
        Assert.That(text, Has.None.StartWith("household_links.csv:2"));
    }

    [Test]
    public void Missing_tables_are_named()
    {
        var files = Minimal();
        files.Remove(HouseholdFiles.TemplatesFileName);
        Assert.That(Problems(files), Has.Some.StartWith("household_templates.csv: Households need household_templates.csv"));
        files = Minimal();
        files.Remove(HouseholdFiles.RolesFileName);
        Assert.That(Problems(files), Has.Some.StartWith("household_roles.csv: Households need household_roles.csv"));
        files = Minimal();
        files[HouseholdFiles.RegisterFileName] = B("household_id,person_id,role,age,state\nh1,,adult,40,work\n");
        Assert.That(Problems(files), Has.Some.StartWith("household_register.csv: Give households either as templates"));
    }

    [Test]
    public void Conditions_read_back_what_they_write()
    {
        var c = HouseholdCondition.Or(HouseholdCondition.And(HouseholdCondition.None("adult", "work"), HouseholdCondition.Any("child", "cw_inhome", "cw_foster")), HouseholdCondition.All(null, "dead"));
        var (back, error) = HouseholdConditionText.Parse(c.ToString(), r => r is "adult" or "child", s => Model.States.Any(x => x.Name == s));
        Assert.That(error, Is.Null);
        Assert.That(back, Is.EqualTo(c));
        Assert.That(HouseholdConditionText.Parse("none adult in work and any child in cw_inhome or always", _ => true, _ => true).Condition,
            Is.EqualTo(HouseholdCondition.Or(HouseholdCondition.And(HouseholdCondition.None("adult", "work"), HouseholdCondition.Any("child", "cw_inhome")), HouseholdCondition.Always)), "and binds tighter than or");
    }
}

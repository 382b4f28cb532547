//! The published JSON Schemas (`docs/schema/`): equal to what `maintcal
//! schema` prints, and real output validates against them.

use crate::list_format::list;
use crate::support::*;
use serde_json::Value;

/// `maintcal schema OF`'s stdout.
fn printed(of: &str) -> String {
    let output = maintcal()
        .args(["schema", of])
        .assert()
        .success()
        .get_output()
        .clone();
    String::from_utf8(output.stdout).unwrap()
}

fn validator(of: &str) -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(&printed(of)).unwrap();
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

/// Panics with every violation if `instance` does not validate.
fn assert_valid(validator: &jsonschema::Validator, instance: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}");
}

#[test]
fn the_published_schemas_are_the_generated_ones() {
    for of in ["list", "feeds"] {
        let path = repo_path(&format!("docs/schema/{of}.schema.json"));
        let committed = std::fs::read_to_string(&path).unwrap();
        assert!(
            committed == printed(of),
            "{} is stale: run `cargo run -- schema {of} > docs/schema/{of}.schema.json`",
            path.display()
        );
    }
}

#[test]
fn list_output_of_every_valid_fixture_validates() {
    let validator = validator("list");
    for schedules in valid_schedule_folders() {
        let json: Value = serde_json::from_str(&list(&schedules, &["--format", "json"])).unwrap();
        assert_valid(&validator, &json, &schedules.display().to_string());
        // Each ndjson line is an item of the array.
        let lines: Vec<Value> = list(&schedules, &["--format", "ndjson"])
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        assert_valid(&validator, &Value::Array(lines), "ndjson");
    }
}

#[test]
fn the_list_schema_rejects_merged_or_unknown_values() {
    let validator = validator("list");
    let mut rows: Value = serde_json::from_str(&list(&notice(), &["--format", "json"])).unwrap();
    assert!(validator.is_valid(&rows));
    rows[0]["status"] = "maybe".into();
    assert!(!validator.is_valid(&rows));
    rows[0]["status"] = "confirmed".into();
    rows[0]["services"][0]["impact"] = "partial（note）".into();
    assert!(!validator.is_valid(&rows));
    rows[0]["services"][0]["impact"] = "stops".into();
    rows[0]["start"] = "02:00 on 2020-05-17".into();
    assert!(!validator.is_valid(&rows));
}

#[test]
fn a_built_feeds_json_validates_with_and_without_a_base_url() {
    let validator = validator("feeds");
    for extra in [&[][..], &["--base-url", "https://example.com/maint/"][..]] {
        let out = build_with(&notice(), extra);
        let manifest: Value =
            serde_json::from_slice(&std::fs::read(out.path().join("feeds.json")).unwrap()).unwrap();
        assert_valid(&validator, &manifest, &format!("feeds.json {extra:?}"));
        let mut broken = manifest.clone();
        broken["feeds"][0]["sha256"] = "not a hash".into();
        assert!(!validator.is_valid(&broken));
    }
}

//! `[windows.<id>.impact.<group>]`: which of a group's services stop, partly
//! stop or keep running, with notes and services' own hours.

use super::Diagnostic;
use super::{Validator, suggestion};
use crate::schedule::model::*;
use crate::schedule::source::{ImpactSource, RestSource};
use indexmap::IndexMap;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;
use toml::Spanned;

impl Validator {
    pub(super) fn impacts(
        &mut self,
        sources: &IndexMap<Spanned<String>, ImpactSource>,
        groups: &[Group],
    ) -> Vec<Arc<GroupImpact>> {
        let mut impacts = Vec::new();
        // By id, so that a window naming thousands of groups stays linear.
        let index: HashMap<&str, usize> = groups
            .iter()
            .enumerate()
            .map(|(i, g)| (g.id.as_str(), i))
            .collect();
        for (key, source) in sources {
            let Some(group) = index.get(key.get_ref().as_str()).map(|&i| &groups[i]) else {
                if self.declared_groups.contains(key.get_ref()) {
                    // That group's own errors are reported already.
                    continue;
                }
                let known: Vec<&str> = groups.iter().map(|g| g.id.as_str()).collect();
                self.error_help(
                    key.span(),
                    format!("no group `{}` in this calendar", key.get_ref()),
                    suggestion(key.get_ref(), &known),
                );
                continue;
            };
            let errors_before = self.error_count();
            let mut services = Vec::new();
            let mut seen: Vec<String> = Vec::new();
            let mut add = |this: &mut Self,
                           name: &Spanned<String>,
                           outer: Range<usize>,
                           kind: ImpactKind,
                           note: Option<&Spanned<String>>,
                           start: Option<&Spanned<toml::value::Datetime>>,
                           end: Option<&Spanned<toml::value::Datetime>>| {
                // A bare string entry carries the span on the outer `Spanned`.
                let span = if name.span().is_empty() {
                    outer
                } else {
                    name.span()
                };
                let service = name.get_ref().clone();
                if !group.services.contains(&service) {
                    let known: Vec<&str> = group.services.iter().map(String::as_str).collect();
                    this.error_help(
                        span.clone(),
                        format!("group `{}` has no service `{service}`", group.id),
                        suggestion(&service, &known),
                    );
                }
                if seen.contains(&service) {
                    this.error_help(
                        span.clone(),
                        format!(
                            "service `{service}` is listed twice in this window's impact on `{}`",
                            group.id
                        ),
                        "list each service once, under stops, partly or runs",
                    );
                }
                seen.push(service.clone());
                let note = note.map(|n| this.text(n, true));
                let hours = match (start, end) {
                    (None, None) => None,
                    (Some(start), Some(end)) if kind != ImpactKind::Runs => {
                        match (this.local_time(start), this.local_time(end)) {
                            (Some(start), Some(end)) => Some(SubRange { start, end }),
                            _ => None,
                        }
                    }
                    (Some(_), Some(_)) => {
                        this.error_help(
                            span,
                            "a service that keeps running has no hours",
                            "remove start and end, or move the service under stops or partly",
                        );
                        None
                    }
                    (Some(one), None) | (None, Some(one)) => {
                        this.error_help(
                            one.span(),
                            "a service's own hours need both start and end",
                            "give both, e.g. { service = \"…\", start = 03:00, end = 05:00 }",
                        );
                        None
                    }
                };
                services.push(ServiceImpact {
                    service,
                    kind,
                    note,
                    hours,
                });
            };
            for entry in &source.stops {
                let e = entry.get_ref();
                add(
                    self,
                    &e.service,
                    entry.span(),
                    ImpactKind::Stops,
                    e.note.as_ref(),
                    e.start.as_ref(),
                    e.end.as_ref(),
                );
            }
            for entry in &source.partly {
                let e = entry.get_ref();
                let unavailable = self.required_line(&e.unavailable, "what is unavailable");
                add(
                    self,
                    &e.service,
                    entry.span(),
                    ImpactKind::Partial { unavailable },
                    e.note.as_ref(),
                    e.start.as_ref(),
                    e.end.as_ref(),
                );
            }
            for entry in &source.runs {
                let e = entry.get_ref();
                add(
                    self,
                    &e.service,
                    entry.span(),
                    ImpactKind::Runs,
                    e.note.as_ref(),
                    e.start.as_ref(),
                    e.end.as_ref(),
                );
            }
            // A misspelt service is already an error; the warning would only
            // repeat it as "the real one is left out".
            let clean = self.error_count() == errors_before;
            self.rest(key, source, group, &mut services, clean);
            let notes = self.texts(&source.notes, true);
            if services.is_empty() && notes.is_empty() {
                self.error_help(
                    key.span(),
                    format!("the impact on `{}` lists no service", group.id),
                    "list services under stops, partly or runs",
                );
            }
            let impact = GroupImpact {
                group: group.id.clone(),
                services,
                notes,
            };
            impacts.push(self.shared(impact));
        }
        // The calendar's group order, whatever order the window names them in.
        impacts.sort_by_key(|impact| index.get(impact.group.as_str()).copied());
        impacts
    }
}

impl Validator {
    /// The file's one copy of `impact` (see `Validator::impacts`'s field).
    fn shared(&mut self, impact: GroupImpact) -> Arc<GroupImpact> {
        if let Some(met) = self.impacts.get(&impact) {
            return Arc::clone(met);
        }
        let mut impact = impact;
        // Built by pushing; kept for the whole build.
        impact.services.shrink_to_fit();
        let impact = Arc::new(impact);
        self.impacts.insert(Arc::clone(&impact));
        impact
    }
}

/// How many unaccounted services a warning names before it gives a count.
const NAMED_IN_WARNING: usize = 5;

impl Validator {
    /// The group's services the impact does not name: added as `rest` says,
    /// in the group's order after the named ones, exactly as if listed; or,
    /// without `rest`, a warning at the impact's place naming them, because a
    /// notice normally accounts for every service and silence reads as "no
    /// change" to one subscriber and "forgotten" to another.
    fn rest(
        &mut self,
        key: &Spanned<String>,
        source: &ImpactSource,
        group: &Group,
        services: &mut Vec<ServiceImpact>,
        clean: bool,
    ) {
        let unnamed: Vec<&String> = group
            .services
            .iter()
            .filter(|s| !services.iter().any(|named| &named.service == *s))
            .collect();
        match source.rest.as_ref().map(|rest| *rest.get_ref()) {
            Some(rest) => {
                let kind = match rest {
                    RestSource::Runs => ImpactKind::Runs,
                    RestSource::Stops => ImpactKind::Stops,
                };
                services.extend(unnamed.into_iter().map(|service| ServiceImpact {
                    service: service.clone(),
                    kind: kind.clone(),
                    note: None,
                    hours: None,
                }));
                // Where listing them last under `stops` or `runs` would put
                // them: services are in stops, partly, runs order already.
                services.sort_by_key(|service| match service.kind {
                    ImpactKind::Stops => 0,
                    ImpactKind::Partial { .. } => 1,
                    ImpactKind::Runs => 2,
                });
            }
            None if clean && !unnamed.is_empty() => {
                let mut names: Vec<String> = unnamed
                    .iter()
                    .take(NAMED_IN_WARNING)
                    .map(|s| format!("`{s}`"))
                    .collect();
                if unnamed.len() > NAMED_IN_WARNING {
                    names.push(format!("and {} more", unnamed.len() - NAMED_IN_WARNING));
                }
                self.diagnostics.push(
                    Diagnostic::warning(
                        self.file,
                        key.span(),
                        format!(
                            "the impact on `{}` leaves out {} of its {} services: {}",
                            group.id,
                            unnamed.len(),
                            group.services.len(),
                            names.join(", ")
                        ),
                    )
                    .with_help(
                        "list each under stops, partly or runs, or say what the rest do: \
                         rest = \"runs\" or rest = \"stops\"",
                    ),
                );
            }
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::schedule::load_files;
    use std::sync::Arc;

    #[test]
    fn equal_impacts_are_one_shared_value_and_different_ones_are_not() {
        let window = |id: &str, stops: &str| {
            format!(
                "[windows.{id}]\ndate = 2020-05-17\nstart = 02:00\nend = 04:00\n\
                 status = \"confirmed\"\nrevised = 2020-05-01T10:00:00+09:00\n\
                 [windows.{id}.impact.web]\nstops = [{stops}]\nrest = \"runs\"\n"
            )
        };
        let text = [
            "[calendar]\nid = \"shop\"\nname = \"Shop\"\ntimezone = \"Asia/Tokyo\"\n\n\
             [groups.web]\nname = \"Web\"\nservices = [\"Top\", \"Cart\"]\n"
                .to_owned(),
            window("a", "\"Top\""),
            window("b", "\"Cart\""),
            window("c", "\"Top\""),
        ]
        .join("\n");
        let loaded = load_files(vec![("s.toml".into(), text)]).unwrap();
        let impact = |index: usize| &loaded.schedules.calendars[0].windows[index].impacts[0];
        assert!(Arc::ptr_eq(impact(0), impact(2)));
        assert!(!Arc::ptr_eq(impact(0), impact(1)));
        // Shared, the impacts still say what each window wrote.
        assert_eq!(impact(0).services[0].service, "Top");
        assert_eq!(impact(1).services[0].service, "Cart");
        assert_eq!(impact(2).services[1].service, "Cart");
    }
}

//! Each `[windows.<id>]`: its hours, timing and status put together, its
//! impact reused from another window (`same_impact_as`), and services' own
//! hours kept inside the window's.

use super::{Validator, status, suggestion};
use crate::schedule::model::*;
use crate::schedule::source::WindowSource;
use indexmap::IndexMap;
use std::collections::HashMap;
use std::sync::Arc;
use toml::Spanned;

impl Validator {
    pub(super) fn windows(
        &mut self,
        sources: &[(Spanned<String>, WindowSource)],
        groups: &[Group],
    ) -> Vec<Window> {
        // Own impacts first, so that `same_impact_as` can refer to any window.
        let own_impacts: IndexMap<String, Vec<Arc<GroupImpact>>> = sources
            .iter()
            .map(|(key, window)| (key.get_ref().clone(), self.impacts(&window.impact, groups)))
            .collect();
        let mut windows = Vec::new();
        for (key, source) in sources {
            let id = self.id(key, "window id");
            let hours = self.hours(&source.start, &source.end, source.ends_next_day);
            let timing = self.timing(key, source);
            let status = status(*source.status.get_ref());
            let title = source
                .title
                .as_ref()
                .map(|t| self.required_line(t, "window title"));
            let notes = self.texts(&source.notes, true);
            let remind = self.remind(source.remind.as_ref());
            let revised = self.instant(&source.revised);
            let revision = source.revision.as_ref().map_or(0, |r| *r.get_ref());

            let mut impacts = own_impacts.get(key.get_ref()).cloned().unwrap_or_default();
            if let Some(base) = &source.same_impact_as {
                impacts = self.reuse_impacts(base, sources, &own_impacts, impacts, groups);
            }
            if source.impact.is_empty() && source.same_impact_as.is_none() {
                self.error_help(
                    key.span(),
                    format!("window `{id}` says nothing about any group"),
                    format!("add [windows.{id}.impact.<group>] with stops/partly/runs, or same_impact_as = \"<another window>\""),
                );
            }
            let (Some(hours), Some(timing), Some(revised)) = (hours, timing, revised) else {
                continue;
            };
            self.check_sub_ranges(key, &impacts, hours);
            let timing = match timing {
                Timing::Recurring(mut rule) => {
                    rule.changes =
                        self.changes(source, &rule, hours, status, revised, revision, &impacts);
                    Timing::Recurring(rule)
                }
                once => once,
            };
            windows.push(Window {
                id,
                title,
                timing,
                hours,
                status,
                notes,
                revised,
                revision,
                impacts,
                remind,
            });
        }
        windows
    }

    pub(super) fn reuse_impacts(
        &mut self,
        base: &Spanned<String>,
        sources: &[(Spanned<String>, WindowSource)],
        own_impacts: &IndexMap<String, Vec<Arc<GroupImpact>>>,
        overrides: Vec<Arc<GroupImpact>>,
        groups: &[Group],
    ) -> Vec<Arc<GroupImpact>> {
        let base_id = base.get_ref();
        let Some((_, base_source)) = sources.iter().find(|(key, _)| key.get_ref() == base_id)
        else {
            if self.declared_windows.contains(base_id) {
                // That window's own errors are reported already.
                return overrides;
            }
            let known: Vec<&str> = sources
                .iter()
                .map(|(key, _)| key.get_ref().as_str())
                .collect();
            self.error_help(
                base.span(),
                format!("no window `{base_id}` in this file"),
                suggestion(base_id, &known),
            );
            return overrides;
        };
        if let Some(chained) = &base_source.same_impact_as {
            self.error_help(
                base.span(),
                format!("window `{base_id}` itself reuses `{}`", chained.get_ref()),
                format!("refer to `{}` directly", chained.get_ref()),
            );
            return overrides;
        }
        let base_impacts = own_impacts.get(base_id).cloned().unwrap_or_default();
        // Keep the calendar's group order: take each group's entry from the
        // overrides when there is one, from the base window otherwise.
        let mut by_group: HashMap<&str, &Arc<GroupImpact>> = HashMap::new();
        for impact in base_impacts.iter().chain(overrides.iter()) {
            by_group.insert(impact.group.as_str(), impact);
        }
        groups
            .iter()
            .filter_map(|group| {
                by_group
                    .get(group.id.as_str())
                    .map(|impact| Arc::clone(impact))
            })
            .collect()
    }

    /// Sub-ranges must lie inside the window; one equal to the window is the window.
    pub(super) fn check_sub_ranges(
        &mut self,
        key: &Spanned<String>,
        impacts: &[Arc<GroupImpact>],
        hours: Hours,
    ) {
        for impact in impacts {
            for service in &impact.services {
                if let Some(range) = service.hours
                    && !sub_range_fits(range, hours)
                {
                    self.error_help(
                        key.span(),
                        format!(
                            "in window `{}`, `{}` of group `{}` has hours {}–{} outside the window {}–{}",
                            key.get_ref(),
                            service.service,
                            impact.group,
                            range.start.format("%H:%M"),
                            range.end.format("%H:%M"),
                            hours.start.format("%H:%M"),
                            hours.end.format("%H:%M"),
                        ),
                        "a service's own start and end must lie within its window (later start, earlier end)",
                    );
                }
            }
        }
    }
}

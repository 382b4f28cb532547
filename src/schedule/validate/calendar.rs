//! The `[calendar]` table and its `[groups.<id>]`: the whole file is
//! checked from here, every problem reported in one run.

use super::Validator;
use crate::schedule::model::*;
use crate::schedule::source::{FileSections, GroupSource};
use std::ops::Range;
use toml::Spanned;

/// File names maintcal writes itself, or that Windows cannot hold; a group id
/// may not be one of them because it becomes `out/<id>.ics`.
const RESERVED_GROUP_IDS: &[&str] = &[
    "all", "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7",
    "com8", "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

impl Validator {
    /// Checks the whole file; `None` when anything was wrong (the problems are
    /// in `self.diagnostics`).
    pub fn calendar(
        &mut self,
        mut sections: FileSections,
        whole_file: Range<usize>,
    ) -> Option<Calendar> {
        let errors_before = self.error_count();
        // Moved, not copied: a large file declares a hundred thousand ids.
        self.declared_groups = std::mem::take(&mut sections.declared_groups);
        self.declared_windows = std::mem::take(&mut sections.declared_windows);
        let Some(calendar) = sections.calendar else {
            if !sections.calendar_declared {
                self.error_help(
                    whole_file.start..whole_file.start,
                    "this schedule has no [calendar] table",
                    "add [calendar] with id, name and timezone; see the README's schedule example",
                );
            }
            // Still check the groups and windows: every problem in one run.
            let groups = self.groups(&sections.groups);
            self.windows(&sections.windows, &groups);
            return None;
        };
        let id = self.id(&calendar.id, "calendar id");
        let name = self.required_line(&calendar.name, "calendar name");
        let description = calendar.description.as_ref().map(|d| self.text(d, true));
        let timezone = self.timezone(&calendar.timezone);
        let url = calendar.url.as_ref().map(|url| self.url(url));
        let contact = calendar.contact.as_ref().map(|c| self.text(c, true));
        let notes = self.texts(&calendar.notes, true);
        let remind = self.remind(calendar.remind.as_ref()).unwrap_or_default();
        let language = match calendar.language.as_ref() {
            None => Language::Japanese,
            Some(language) => match language.get_ref().as_str() {
                "ja" => Language::Japanese,
                "en" => Language::English,
                other => {
                    self.error_help(
                        language.span(),
                        format!("unknown language `{other}`"),
                        "use \"ja\" or \"en\"",
                    );
                    Language::Japanese
                }
            },
        };
        let title = match &calendar.title {
            Some(title) => self.required_line(title, "calendar title"),
            None => language.default_title().to_owned(),
        };
        let refresh_hours = match &calendar.refresh_hours {
            None => DEFAULT_REFRESH_HOURS,
            Some(hours) if (1..=168).contains(hours.get_ref()) => *hours.get_ref(),
            Some(hours) => {
                self.error_help(
                    hours.span(),
                    "refresh_hours must be between 1 and 168 (a week)",
                    "a few hours suits most feeds; Google refreshes about once a day anyway",
                );
                DEFAULT_REFRESH_HOURS
            }
        };
        let revision = calendar.revision.as_ref().map_or(0, |r| *r.get_ref());
        let revised = calendar.revised.as_ref().and_then(|r| self.instant(r));
        let base_url = calendar.base_url.as_ref().map(|url| self.base_url(url));
        let keep_past_months = match &calendar.keep_past_months {
            None => DEFAULT_KEEP_PAST_MONTHS,
            Some(months) if *months.get_ref() <= MAX_KEEP_PAST_MONTHS => *months.get_ref(),
            Some(months) => {
                self.error_help(
                    months.span(),
                    format!(
                        "keep_past_months must be at most {} (100 years)",
                        MAX_KEEP_PAST_MONTHS
                    ),
                    "24 keeps two years of past windows, enough for most subscribers",
                );
                DEFAULT_KEEP_PAST_MONTHS
            }
        };

        let groups = self.groups(&sections.groups);
        if self.declared_groups.is_empty() {
            self.error_help(
                calendar.id.span(),
                "this calendar declares no service groups",
                "add at least one [groups.<id>] table with a name and its services",
            );
        }
        let windows = self.windows(&sections.windows, &groups);
        self.check_revisions(calendar.revision.as_ref(), &sections.windows);
        self.check_dates(&windows, &sections.windows);

        if self.error_count() > errors_before {
            return None;
        }
        Some(Calendar {
            id,
            name,
            description,
            timezone: timezone?,
            url,
            contact,
            notes,
            language,
            title,
            refresh_hours,
            revision,
            revised,
            remind,
            base_url,
            keep_past_months,
            window_pages: calendar
                .window_pages
                .as_ref()
                .is_none_or(|on| *on.get_ref()),
            groups,
            windows,
        })
    }

    pub(super) fn groups(&mut self, sources: &[(Spanned<String>, GroupSource)]) -> Vec<Group> {
        let mut groups = Vec::new();
        for (key, group) in sources {
            let id = self.id(key, "group id");
            if RESERVED_GROUP_IDS.contains(&id.as_str()) {
                self.error_help(
                    key.span(),
                    format!("`{id}` cannot be a group id: it is a reserved file name"),
                    "choose another id; the group's feed is written to out/<id>.ics",
                );
            }
            let name = self.required_line(&group.name, "group name");
            let description = group.description.as_ref().map(|d| self.text(d, true));
            let mut services: Vec<String> = Vec::new();
            for service in &group.services {
                let service_name = self.required_line(service, "service name");
                if services.contains(&service_name) {
                    self.error(
                        service.span(),
                        format!("service `{service_name}` is listed twice in this group"),
                    );
                }
                services.push(service_name);
            }
            if group.services.is_empty() {
                self.error_help(
                    key.span(),
                    format!("group `{id}` has no services"),
                    "list them: services = [\"…\", \"…\"]",
                );
            }
            let service_feeds = match &group.service_feeds {
                Some(source) => self.service_feeds(&id, &services, source),
                None => Vec::new(),
            };
            groups.push(Group {
                id,
                name,
                description,
                services,
                service_feeds,
            });
        }
        groups
    }
}

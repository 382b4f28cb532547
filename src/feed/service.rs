//! The feed of one service (`service_feeds` on its group): the events of the
//! windows that stop it or partly stop it, each over the service's own hours,
//! for integrators who depend on that service alone. Windows in which it
//! keeps running are left out: a subscriber to one service wants the hours
//! it is affected, and a group feed already shows the rest.
//!
//! Its events are the group feed's, narrowed to the one service, under UIDs
//! of their own (`<window>.<group>.<id>[.<HHMM-HHMM>]@<calendar>.maintcal`):
//! like the `all` feed's, they never equal a group feed's, so a subscriber to
//! both sees two events that say different things, never one UID with two
//! texts.

use super::part::Part;
use super::{Feed, FeedService, sort_events, text};
use crate::expand::{CalendarOccurrences, Occurrence};
use crate::schedule::model::{Group, ServiceFeed, Slot};
use crate::words::Words;
use chrono::NaiveDateTime;

/// The feed id and file stem of a service's feed: `<group>.<id>`. Group ids
/// have no dot, so it never equals a group's or `all`.
pub fn feed_id(group: &Group, service: &ServiceFeed) -> String {
    format!("{}.{}", group.id, service.id)
}

pub(super) fn service_feed(
    expanded: &CalendarOccurrences,
    group: &Group,
    service_feed: &ServiceFeed,
) -> Feed {
    let calendar = expanded.calendar;
    let words = Words::of(calendar.language);
    let id = feed_id(group, service_feed);
    let mut events = Vec::new();
    for window in &expanded.windows {
        let Some(impact) = window.window.impact_on(&group.id) else {
            continue;
        };
        let Some(service) = (impact.services.iter())
            .find(|s| s.service == service_feed.service && s.kind.is_outage())
        else {
            continue;
        };
        let subject = format!(
            "{} {}",
            service.service,
            text::window_title(calendar, window.window)
        );
        let slot = Slot {
            range: service.hours,
            services: vec![service],
        };
        let part = Part {
            calendar,
            window: window.window,
            expanded: window,
            group_id: &id,
            range: service.hours,
        };
        let strength = text::kind_of(std::iter::once(service));
        let compose = |occurrence: &Occurrence, times: (NaiveDateTime, NaiveDateTime)| {
            let summary = text::summary(words, occurrence.status, &subject, strength, times);
            let mut description = String::new();
            text::describe_slot(&mut description, words, &slot, &impact.notes);
            text::describe_common(
                &mut description,
                words,
                calendar,
                occurrence,
                group.description.as_deref(),
            );
            (summary, description)
        };
        events.extend(part.events(true, &compose));
    }
    sort_events(&mut events);
    let name = format!(
        "{} – {} – {}",
        calendar.name, group.name, service_feed.service
    );
    Feed {
        id,
        description: name.clone(),
        name,
        timezone: calendar.timezone,
        refresh_hours: calendar.refresh_hours,
        url: calendar.url.clone(),
        events,
        service: Some(FeedService {
            group: group.id.clone(),
            name: service_feed.service.clone(),
        }),
    }
}

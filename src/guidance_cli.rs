//! The `actas duplicate | annul | checklist` commands and the changes to a
//! person (`actas people edit | deactivate | activate`): their arguments and
//! how their results print. Each parses, calls one `actas::service` or
//! `actas::store` operation and prints; the rules are in
//! `service::lifecycle`, `service::checklist`, `store::annulments` and
//! `store::people`. Described in `docs/cli.md`.

use std::path::PathBuf;

use clap::Args;

use actas::error::ActasError;
use actas::service::Service;
use actas::store::{NewPerson, Person, Store};

use super::print_json;

/// `actas people edit`: the values to change; the others stay.
#[derive(Args)]
pub struct PersonEdit {
    /// Id de la persona (como lo muestra «people list»).
    pub id: i64,
    #[arg(long)]
    pub nombres: Option<String>,
    #[arg(long)]
    pub apellido_paterno: Option<String>,
    #[arg(long)]
    pub apellido_materno: Option<String>,
    #[arg(long)]
    pub cargo: Option<String>,
    #[arg(long)]
    pub area: Option<String>,
    #[arg(long)]
    pub email: Option<String>,
    #[arg(long)]
    pub dni: Option<String>,
}

/// `actas duplicate DOC [-o DATOS.json]`.
pub fn duplicate(
    service: &Service,
    store: &mut Store,
    doc: &str,
    output: Option<PathBuf>,
) -> Result<(), ActasError> {
    let draft = service.duplicate(store, doc)?;
    if let Some(output) = output {
        let mut text = serde_json::to_string_pretty(&draft.data)
            .map_err(|e| ActasError::Other(format!("no se pudo escribir los datos: {e}")))?;
        text.push('\n');
        actas::files::write_atomic(&output, text.as_bytes())?;
        println!(
            "Borrador {} creado a partir de {doc} (fechas y números vacíos); datos en {}",
            draft.id,
            output.display()
        );
    } else {
        println!(
            "Borrador {} creado a partir de {doc} (fechas y números vacíos).",
            draft.id
        );
    }
    Ok(())
}

/// `actas annul DOC --motivo TEXTO`; without `--motivo`, exit 2.
pub fn annul(
    service: &Service,
    store: &mut Store,
    doc: &str,
    reason: Option<String>,
    actor: &str,
) -> Result<(), ActasError> {
    let reason = reason.ok_or_else(|| {
        ActasError::Input(format!(
            "falta el motivo de la anulación: actas annul {doc} --motivo \"…\""
        ))
    })?;
    let annulment = service.annul(store, doc, &reason, actor)?;
    println!(
        "Documento {doc} anulado. Motivo: {}. Se conserva con todas sus revisiones.",
        annulment.reason
    );
    Ok(())
}

/// `actas checklist [--json]`.
pub fn checklist(store: &Store, json: bool) -> Result<(), ActasError> {
    let list = actas::service::first_start_checklist(store)?;
    if json {
        print_json(&list);
        return Ok(());
    }
    for item in &list.items {
        let mark = if item.done { "[x]" } else { "[ ]" };
        println!("{mark} {}: {}", item.title, item.detail);
    }
    if list.complete {
        println!("Configuración inicial completa.");
    }
    Ok(())
}

/// `actas people edit ID --campo VALOR…`.
pub fn edit_person(
    store: &mut Store,
    edit: PersonEdit,
    clock: &actas::clock::Clock,
) -> Result<(), ActasError> {
    let current = store.person(edit.id)?;
    let changed = NewPerson {
        given_names: edit.nombres.unwrap_or(current.given_names),
        paternal_surname: edit.apellido_paterno.unwrap_or(current.paternal_surname),
        maternal_surname: edit.apellido_materno.unwrap_or(current.maternal_surname),
        cargo: edit.cargo.unwrap_or(current.cargo),
        area: edit.area.unwrap_or(current.area),
        email: edit.email.unwrap_or(current.email),
        dni: edit.dni.unwrap_or(current.dni),
    };
    let saved = store.update_person(edit.id, &changed, clock.now())?;
    println!("Persona {} actualizada: {}", saved.id, describe(&saved));
    Ok(())
}

/// `actas people deactivate ID` / `actas people activate ID`.
pub fn set_active(
    store: &mut Store,
    id: i64,
    active: bool,
    clock: &actas::clock::Clock,
) -> Result<(), ActasError> {
    let saved = store.set_person_active(id, active, clock.now())?;
    if active {
        println!("Persona {} activa: {}", saved.id, saved.full_name());
    } else {
        println!(
            "Persona {} desactivada: {} (ya no se ofrece como firmante; sigue en sus documentos).",
            saved.id,
            saved.full_name()
        );
    }
    Ok(())
}

/// «Nombres Paterno Materno — cargo — área», and «(desactivada)».
pub fn describe(p: &Person) -> String {
    let mut text = format!("{} — {} — {}", p.full_name(), p.cargo, p.area);
    if !p.active {
        text.push_str(" (desactivada)");
    }
    text
}

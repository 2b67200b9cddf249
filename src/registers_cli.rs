//! The `actas licences | tapes | backups | maintenance` commands: their
//! arguments, and how their results print (Spanish text, or JSON with
//! `--json`). Each command parses, calls one `actas::service` operation and
//! prints; the logic is in `actas::registers` and `actas::service`.
//! Described in `docs/registers.md`.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::Subcommand;
use serde_json::json;

use actas::dates::{day_arg, format_date};
use actas::error::ActasError;
use actas::registers::excel::format_cents;
use actas::registers::expiry::LicenceStatus;
use actas::registers::licences::distinct_rows;
use actas::registers::tapes::{TapeStatus, DEFAULT_RETURN_DAYS};
use actas::registers::Register;
use actas::service::{read_data_file, FormRequest, ImportReport, Service};
use actas::store::Store;

use super::{actor, plural, print_json};

#[derive(Subcommand)]
pub enum LicencesCommand {
    /// Importa el maestro de licencias (.xlsx, .xls, .ods, .csv o .json): actualiza por clave.
    Import(ImportArgs),
    /// Resumen del maestro a una fecha: total, vencidas, por vencer en 30/60/90 días, valor.
    Summary {
        /// Fecha de corte AAAA-MM-DD (por defecto, hoy).
        #[arg(long, value_parser = day_arg, value_name = "AAAA-MM-DD")]
        as_of: Option<NaiveDate>,
        #[arg(long)]
        json: bool,
    },
    /// Licencias que vencen en los próximos DÍAS (incluido el último).
    Expiring {
        #[arg(long, value_name = "DÍAS", value_parser = days_arg)]
        within: u32,
        #[arg(long, value_parser = day_arg, value_name = "AAAA-MM-DD")]
        as_of: Option<NaiveDate>,
        /// Incluye también las licencias ya vencidas.
        #[arg(long)]
        include_expired: bool,
        #[arg(long)]
        json: bool,
    },
    /// Todas las licencias con su situación a la fecha.
    List {
        #[arg(long, value_parser = day_arg, value_name = "AAAA-MM-DD")]
        as_of: Option<NaiveDate>,
        /// Días que cuentan como «por vencer».
        #[arg(long, value_name = "DÍAS", default_value_t = 90, value_parser = days_arg)]
        within: u32,
        /// Solo las licencias cuyo SALDO NETO no es VALOR − AMORTIZACIÓN.
        #[arg(long)]
        inconsistent: bool,
        #[arg(long)]
        json: bool,
    },
    /// Genera la notificación de licencias por vencer, agrupada por UBICACIÓN (PDF).
    Notice {
        #[arg(long, value_name = "DÍAS", value_parser = days_arg)]
        within: u32,
        #[arg(long, value_parser = day_arg, value_name = "AAAA-MM-DD")]
        as_of: Option<NaiveDate>,
        #[arg(long)]
        include_expired: bool,
        #[command(flatten)]
        out: FormOutput,
    },
}

/// A register file to import (.xlsx, .xls, .ods, .csv o .json).
#[derive(clap::Args)]
pub struct ImportArgs {
    file: PathBuf,
    #[arg(long)]
    json: bool,
}

/// The period a generated form covers: both days, AAAA-MM-DD, included.
#[derive(clap::Args)]
pub struct FormPeriod {
    #[arg(long, value_parser = day_arg, value_name = "AAAA-MM-DD")]
    from: NaiveDate,
    #[arg(long, value_parser = day_arg, value_name = "AAAA-MM-DD")]
    to: NaiveDate,
}

impl FormPeriod {
    fn days(&self) -> Result<(NaiveDate, NaiveDate), ActasError> {
        Ok((self.from, self.to))
    }
}

/// The period of a listing: either end may stay open.
#[derive(clap::Args)]
pub struct ListPeriod {
    #[arg(long, value_parser = day_arg, value_name = "AAAA-MM-DD")]
    from: Option<NaiveDate>,
    #[arg(long, value_parser = day_arg, value_name = "AAAA-MM-DD")]
    to: Option<NaiveDate>,
    #[arg(long)]
    json: bool,
}

impl ListPeriod {
    fn days(&self) -> Result<(NaiveDate, NaiveDate), ActasError> {
        Ok((
            self.from.unwrap_or(NaiveDate::MIN),
            self.to.unwrap_or(NaiveDate::MAX),
        ))
    }
}

/// Where a generated form goes.
#[derive(clap::Args)]
pub struct FormOutput {
    /// PDF de salida.
    #[arg(short, long)]
    output: PathBuf,
    /// JSON con campos que se añaden o reemplazan (p. ej. los firmantes).
    #[arg(long)]
    data: Option<PathBuf>,
    /// Además, lo guarda como documento nuevo (con su correlativo) e imprime el número.
    #[arg(long)]
    new: bool,
}

#[derive(Subcommand)]
pub enum TapesCommand {
    /// Importa movimientos de custodia: entrega, retiro o liberación de cada cinta.
    Import(ImportArgs),
    /// Estado de cada cinta a una fecha, con su retención de 4 años.
    Status {
        #[arg(long, value_parser = day_arg, value_name = "AAAA-MM-DD")]
        as_of: Option<NaiveDate>,
        /// Días que una cinta puede estar fuera de custodia.
        #[arg(long, default_value_t = DEFAULT_RETURN_DAYS as u32, value_parser = days_arg)]
        plazo_dias: u32,
        #[arg(long)]
        json: bool,
    },
    /// Cintas en custodia que ya cumplieron la retención y pueden salir de ella.
    Eligible {
        #[arg(long, value_parser = day_arg, value_name = "AAAA-MM-DD")]
        as_of: Option<NaiveDate>,
        #[arg(long)]
        json: bool,
    },
    /// Cintas retiradas de custodia que no volvieron en el plazo.
    Overdue {
        #[arg(long, value_parser = day_arg, value_name = "AAAA-MM-DD")]
        as_of: Option<NaiveDate>,
        #[arg(long, default_value_t = DEFAULT_RETURN_DAYS as u32, value_parser = days_arg)]
        plazo_dias: u32,
        #[arg(long)]
        json: bool,
    },
    /// Genera el inventario de cintas (Anexo 04) de las entregas de un periodo.
    Form {
        #[command(flatten)]
        period: FormPeriod,
        #[command(flatten)]
        out: FormOutput,
    },
}

#[derive(Subcommand)]
pub enum BackupsCommand {
    /// Importa ejecuciones de copias de respaldo (bitácora diaria).
    Import(ImportArgs),
    /// Lista las copias de respaldo de un periodo.
    List {
        #[command(flatten)]
        period: ListPeriod,
    },
    /// Genera la bitácora diaria de copia de respaldo (Anexo 03) de un periodo.
    Form {
        #[command(flatten)]
        period: FormPeriod,
        #[command(flatten)]
        out: FormOutput,
    },
    /// Registro de recuperación de copias de respaldo (Anexo 05).
    Recovery {
        #[command(subcommand)]
        command: RecoveryCommand,
    },
    /// Bitácora de restauración de servidores (Anexo 06).
    Restorations {
        #[command(subcommand)]
        command: RestorationsCommand,
    },
}

#[derive(Subcommand)]
pub enum RecoveryCommand {
    /// Importa solicitudes de recuperación (una fila por ticket de Helpdesk).
    Import(ImportArgs),
    /// Genera el registro de recuperación (Anexo 05) de una solicitud.
    Form {
        #[arg(long)]
        ticket: String,
        #[command(flatten)]
        out: FormOutput,
    },
}

#[derive(Subcommand)]
pub enum RestorationsCommand {
    /// Importa restauraciones (columnas del Anexo 06).
    Import(ImportArgs),
    /// Genera la bitácora de restauración (Anexo 06) de un periodo.
    Form {
        #[command(flatten)]
        period: FormPeriod,
        #[command(flatten)]
        out: FormOutput,
    },
}

#[derive(Subcommand)]
pub enum MaintenanceCommand {
    /// Importa mantenimientos (columnas de la ficha, Anexo 2, y las del acta).
    Import(ImportArgs),
    /// Lista los mantenimientos de un periodo.
    List {
        #[command(flatten)]
        period: ListPeriod,
    },
    /// Genera la ficha de control de mantenimientos realizados de un periodo.
    Form {
        #[command(flatten)]
        period: FormPeriod,
        /// Texto del periodo impreso (por defecto «Del dd/mm/aaaa al dd/mm/aaaa»).
        #[arg(long)]
        periodo: Option<String>,
        #[command(flatten)]
        out: FormOutput,
    },
    /// Genera el acta de servicio de mantenimiento técnico de un mantenimiento (por su N.º).
    Acta {
        numero: i64,
        /// Año del mantenimiento, si el N.º se repite en varios años.
        #[arg(long)]
        anio: Option<i32>,
        #[command(flatten)]
        out: FormOutput,
    },
}

#[derive(Subcommand)]
pub enum SupportCommand {
    /// Cuadros estadísticos de atenciones e incidencias de un periodo (MEF, §3.6), de los registros guardados.
    Stats {
        #[command(flatten)]
        period: FormPeriod,
        #[command(flatten)]
        out: FormOutput,
    },
}

type Opener<'a, T> = &'a dyn Fn() -> Result<T, ActasError>;

/// A number of days (a window, a term): at most a century, so a date
/// window never runs past the calendar.
fn days_arg(text: &str) -> Result<u32, String> {
    const MAX_DAYS: u32 = 36_500;
    text.trim()
        .parse::<u32>()
        .ok()
        .filter(|d| *d <= MAX_DAYS)
        .ok_or_else(|| format!("«{text}» no es un número de días entre 0 y {MAX_DAYS}"))
}

fn as_of_or_today(service: &Service, as_of: Option<NaiveDate>) -> NaiveDate {
    as_of.unwrap_or_else(|| service.today())
}

fn money(soles: Option<f64>) -> String {
    soles
        .map(|v| format!("S/ {}", format_cents((v * 100.0).round() as i64)))
        .unwrap_or_default()
}

fn print_import(report: &ImportReport, json: bool) {
    if json {
        print_json(report);
        return;
    }
    let place = match &report.sheet {
        Some(sheet) => format!(
            "hoja «{sheet}», encabezados en la fila {}",
            report.header_row
        ),
        None => format!("encabezados en la fila {}", report.header_row),
    };
    println!(
        "{}: {} ({place}).",
        capitalize(report.register),
        report.file_name
    );
    let rejected_rows = distinct_rows(&report.rejected);
    let warned_rows = distinct_rows(&report.warnings);
    let mut skipped = Vec::new();
    if report.blank_rows > 0 {
        skipped.push(format!(
            "{} {}",
            report.blank_rows,
            plural(report.blank_rows, "fila vacía", "filas vacías")
        ));
    }
    if report.total_rows > 0 {
        skipped.push(format!(
            "{} {}",
            report.total_rows,
            plural(report.total_rows, "fila de totales", "filas de totales")
        ));
    }
    if report.note_rows > 0 {
        skipped.push(format!(
            "{} {} bajo el total",
            report.note_rows,
            plural(report.note_rows, "nota", "notas")
        ));
    }
    println!(
        "Importadas: {} {}, {} {}{}; {} {}{}.",
        report.imported,
        plural(report.imported, "nueva", "nuevas"),
        report.updated,
        plural(report.updated, "actualizada", "actualizadas"),
        if warned_rows > 0 {
            format!(" ({warned_rows} con advertencias)")
        } else {
            String::new()
        },
        rejected_rows,
        plural(rejected_rows, "fila rechazada", "filas rechazadas"),
        if skipped.is_empty() {
            String::new()
        } else {
            format!("; se omitieron {}", skipped.join(" y "))
        }
    );
    if !report.warnings.is_empty() {
        println!("Advertencias (las filas se importaron; las celdas ilegibles quedaron vacías):");
        for w in &report.warnings {
            println!("  fila {}, {}: {}", w.row, w.column, w.reason);
        }
    }
    if !report.rejected.is_empty() {
        println!("Filas rechazadas (no se importaron):");
        for r in &report.rejected {
            println!("  fila {}, {}: {}", r.row, r.column, r.reason);
        }
    }
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn print_licences(list: &[LicenceStatus]) {
    println!(
        "{:<10} {:>5}  {:<11} {:<28} {:<36} {:>5}",
        "TERMINO", "Días", "Situación", "UBICACIÓN", "SOFTWARE", "CANT."
    );
    for l in list {
        println!(
            "{:<10} {:>5}  {:<11} {:<28} {:<36} {:>5}",
            l.termino
                .map(format_date)
                .unwrap_or_else(|| l.situacion.label().into()),
            l.dias_restantes.map(|d| d.to_string()).unwrap_or_default(),
            l.situacion.label(),
            clip(&l.ubicacion, 28),
            clip(&l.software, 36),
            l.cantidad.map(|c| c.to_string()).unwrap_or_default()
        );
    }
}

fn clip(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(width - 1).collect();
        out.push('…');
        out
    }
}

/// Writes a generated form and says where (and its number when saved).
fn emit(
    service: &Service,
    store: Opener<'_, Store>,
    form: &actas::service::GeneratedForm,
    out: &FormOutput,
) -> Result<(), ActasError> {
    let extra = out.data.as_deref().map(read_data_file).transpose()?;
    let emitted = if out.new {
        let mut store = store()?;
        service.emit_form(
            Some(&mut store),
            form,
            extra.as_ref(),
            &out.output,
            &actor(),
        )?
    } else {
        service.emit_form(None, form, extra.as_ref(), &out.output, &actor())?
    };
    let title = service
        .catalogue
        .get(form.template)
        .map(|t| t.title.clone())
        .unwrap_or_else(|| form.template.to_string());
    match emitted.number {
        Some(number) => println!(
            "{title} guardado como {number} ({} {}) y exportado a {}",
            form.rows,
            plural(form.rows, "fila", "filas"),
            emitted.output.display()
        ),
        None => println!(
            "{title}: PDF generado en {} ({} {}, {} {})",
            emitted.output.display(),
            form.rows,
            plural(form.rows, "fila", "filas"),
            emitted.pages.unwrap_or(0),
            plural(emitted.pages.unwrap_or(0), "página", "páginas")
        ),
    }
    Ok(())
}

fn import(
    service: &Service,
    store: Opener<'_, Store>,
    register: Register,
    args: &ImportArgs,
) -> Result<(), ActasError> {
    let report = service.import_register(&mut store()?, register, &args.file, &actor())?;
    print_import(&report, args.json);
    Ok(())
}

/// Generates a register's form and writes it (see [`emit`]).
fn generate(
    service: &Service,
    store: Opener<'_, Store>,
    request: &FormRequest,
    out: &FormOutput,
) -> Result<(), ActasError> {
    let form = service.register_form(&store()?, request)?;
    emit(service, store, &form, out)
}

pub fn run_licences(
    command: LicencesCommand,
    service: Opener<'_, Service>,
    store: Opener<'_, Store>,
) -> Result<(), ActasError> {
    let service = service()?;
    match command {
        LicencesCommand::Import(args) => {
            let report = service.import_licences(&mut store()?, &args.file, &actor())?;
            print_import(&report, args.json);
        }
        LicencesCommand::Summary { as_of, json } => {
            let as_of = as_of_or_today(&service, as_of);
            let s = service.licence_summary(&store()?, as_of)?;
            if json {
                print_json(&s);
            } else {
                println!("Maestro de licencias al {}:", format_date(as_of));
                println!("  Licencias registradas:         {}", s.total);
                println!("  Vencidas:                      {}", s.expired);
                println!("  Vencen en 30 días o menos:     {}", s.within_30);
                println!("  Vencen en 60 días o menos:     {}", s.within_60);
                println!("  Vencen en 90 días o menos:     {}", s.within_90);
                println!(
                    "  Valor de adquisición total:    {}",
                    money(Some(s.valor_adquisicion_total))
                );
            }
        }
        LicencesCommand::Expiring {
            within,
            as_of,
            include_expired,
            json,
        } => {
            let as_of = as_of_or_today(&service, as_of);
            let within = i64::from(within);
            let until = actas::dates::days_after(as_of, within);
            let list = service.expiring_licences(&store()?, as_of, within, include_expired)?;
            if json {
                print_json(&json!({
                    "as_of": as_of,
                    "within": within,
                    "until": until,
                    "licences": list,
                }));
            } else if list.is_empty() {
                println!(
                    "Ninguna licencia {}vence entre el {} y el {}.",
                    if include_expired {
                        "está vencida ni "
                    } else {
                        ""
                    },
                    format_date(as_of),
                    format_date(until)
                );
            } else {
                println!(
                    "Licencias {}que vencen entre el {} y el {}: {}",
                    if include_expired { "vencidas y " } else { "" },
                    format_date(as_of),
                    format_date(until),
                    list.len()
                );
                print_licences(&list);
            }
        }
        LicencesCommand::List {
            as_of,
            within,
            inconsistent,
            json,
        } => {
            let as_of = as_of_or_today(&service, as_of);
            let mut list = service.licence_list(&store()?, as_of, i64::from(within))?;
            if inconsistent {
                list.retain(|l| l.saldo_consistente == Some(false));
            }
            if json {
                print_json(&list);
            } else if list.is_empty() {
                println!("No hay licencias que mostrar.");
            } else {
                print_licences(&list);
                if inconsistent {
                    for l in &list {
                        println!(
                            "  fila {}: {} — SALDO NETO {} ≠ {} − {}",
                            l.fila,
                            l.software,
                            money(l.saldo_neto),
                            money(l.valor_adquisicion),
                            money(l.amortizacion_acumulada)
                        );
                    }
                }
            }
        }
        LicencesCommand::Notice {
            within,
            as_of,
            include_expired,
            out,
        } => {
            let as_of = as_of_or_today(&service, as_of);
            let form =
                service.licence_notice(&store()?, as_of, i64::from(within), include_expired)?;
            emit(&service, store, &form, &out)?;
        }
    }
    Ok(())
}

fn print_tapes(list: &[TapeStatus]) {
    println!(
        "{:<14} {:<10} {:<17} {:<15} {:<15} Observaciones",
        "CINTA", "CAJA", "Estado", "Último respaldo", "Retención hasta"
    );
    for t in list {
        let mut notes = t.observaciones.clone();
        if t.puede_salir {
            notes.insert(0, "puede salir de custodia".into());
        }
        if let (true, Some(d)) = (t.atrasada, t.dias_fuera) {
            notes.insert(0, format!("atrasada: {d} días fuera de custodia"));
        }
        println!(
            "{:<14} {:<10} {:<17} {:<15} {:<15} {}",
            t.codigo_cinta,
            t.codigo_caja.clone().unwrap_or_default(),
            t.estado.label(),
            t.ultimo_respaldo.map(format_date).unwrap_or_default(),
            t.retencion_hasta.map(format_date).unwrap_or_default(),
            notes.join("; ")
        );
    }
}

pub fn run_tapes(
    command: TapesCommand,
    service: Opener<'_, Service>,
    store: Opener<'_, Store>,
) -> Result<(), ActasError> {
    let service = service()?;
    match command {
        TapesCommand::Import(args) => import(&service, store, Register::Custody, &args)?,
        TapesCommand::Status {
            as_of,
            plazo_dias,
            json,
        } => {
            let as_of = as_of_or_today(&service, as_of);
            let list = service.tape_statuses(&store()?, as_of, i64::from(plazo_dias))?;
            if json {
                print_json(&list);
            } else if list.is_empty() {
                println!("No hay cintas registradas.");
            } else {
                println!("Cintas al {}:", format_date(as_of));
                print_tapes(&list);
            }
        }
        TapesCommand::Eligible { as_of, json } => {
            let as_of = as_of_or_today(&service, as_of);
            let mut list = service.tape_statuses(&store()?, as_of, DEFAULT_RETURN_DAYS)?;
            list.retain(|t| t.puede_salir);
            if json {
                print_json(&list);
            } else if list.is_empty() {
                println!(
                    "Ninguna cinta en custodia cumplió la retención de 4 años al {}.",
                    format_date(as_of)
                );
            } else {
                println!(
                    "Cintas que pueden salir de custodia al {} (retención de 4 años cumplida): {}",
                    format_date(as_of),
                    list.len()
                );
                print_tapes(&list);
            }
        }
        TapesCommand::Overdue {
            as_of,
            plazo_dias,
            json,
        } => {
            let as_of = as_of_or_today(&service, as_of);
            let mut list = service.tape_statuses(&store()?, as_of, i64::from(plazo_dias))?;
            list.retain(|t| t.atrasada);
            if json {
                print_json(&list);
            } else if list.is_empty() {
                println!(
                    "Ninguna cinta lleva más de {plazo_dias} días fuera de custodia al {}.",
                    format_date(as_of)
                );
            } else {
                println!(
                    "Cintas fuera de custodia por más de {plazo_dias} días al {}: {}",
                    format_date(as_of),
                    list.len()
                );
                print_tapes(&list);
            }
        }
        TapesCommand::Form { period, out } => {
            let (from, to) = period.days()?;
            generate(
                &service,
                store,
                &FormRequest::TapeInventory { from, to },
                &out,
            )?;
        }
    }
    Ok(())
}

pub fn run_backups(
    command: BackupsCommand,
    service: Opener<'_, Service>,
    store: Opener<'_, Store>,
) -> Result<(), ActasError> {
    let service = service()?;
    match command {
        BackupsCommand::Import(args) => import(&service, store, Register::BackupRuns, &args)?,
        BackupsCommand::List { period } => {
            let (from, to) = period.days()?;
            let runs: Vec<_> = service
                .backup_runs(&store()?)?
                .into_iter()
                .filter(|r| r.fecha >= from && r.fecha <= to)
                .collect();
            if period.json {
                print_json(&runs);
            } else if runs.is_empty() {
                println!("No hay copias de respaldo registradas en ese periodo.");
            } else {
                println!(
                    "{:<10} {:<5} {:<5} {:<18} {:<30} {:<11} {:<9} Cinta",
                    "Fecha", "Ini.", "Fin", "Servidor", "Activo", "Tipo", "Resultado"
                );
                for r in runs {
                    println!(
                        "{:<10} {:<5} {:<5} {:<18} {:<30} {:<11} {:<9} {}",
                        format_date(r.fecha),
                        r.inicio.format("%H:%M"),
                        r.fin.format("%H:%M"),
                        clip(&r.servidor, 18),
                        clip(&r.activo, 30),
                        r.tipo_respaldo,
                        r.resultado,
                        r.codigo_cinta.unwrap_or_default()
                    );
                }
            }
        }
        BackupsCommand::Form { period, out } => {
            let (from, to) = period.days()?;
            generate(&service, store, &FormRequest::BackupLog { from, to }, &out)?;
        }
        BackupsCommand::Recovery {
            command: RecoveryCommand::Import(args),
        } => import(&service, store, Register::Recoveries, &args)?,
        BackupsCommand::Recovery {
            command: RecoveryCommand::Form { ticket, out },
        } => generate(&service, store, &FormRequest::Recovery { ticket }, &out)?,
        BackupsCommand::Restorations {
            command: RestorationsCommand::Import(args),
        } => import(&service, store, Register::Restorations, &args)?,
        BackupsCommand::Restorations {
            command: RestorationsCommand::Form { period, out },
        } => {
            let (from, to) = period.days()?;
            generate(
                &service,
                store,
                &FormRequest::RestorationLog { from, to },
                &out,
            )?;
        }
    }
    Ok(())
}

pub fn run_support(
    command: SupportCommand,
    service: Opener<'_, Service>,
    store: Opener<'_, Store>,
) -> Result<(), ActasError> {
    let service = service()?;
    match command {
        SupportCommand::Stats { period, out } => {
            let (from, to) = period.days()?;
            generate(
                &service,
                store,
                &FormRequest::SupportStatistics { from, to },
                &out,
            )
        }
    }
}

pub fn run_maintenance(
    command: MaintenanceCommand,
    service: Opener<'_, Service>,
    store: Opener<'_, Store>,
) -> Result<(), ActasError> {
    let service = service()?;
    match command {
        MaintenanceCommand::Import(args) => import(&service, store, Register::Maintenance, &args)?,
        MaintenanceCommand::List { period } => {
            let (from, to) = period.days()?;
            let form = service.register_form(
                &store()?,
                &FormRequest::MaintenanceLog {
                    from,
                    to,
                    periodo: None,
                },
            );
            let rows = match form {
                Ok(form) => form.data["mantenimientos"].clone(),
                Err(_) => json!([]),
            };
            if period.json {
                print_json(&rows);
            } else if rows.as_array().is_none_or(Vec::is_empty) {
                println!("No hay mantenimientos registrados en ese periodo.");
            } else {
                println!(
                    "{:>4} {:<10} {:<11} {:<40} Estado final",
                    "N.º", "Fecha", "Tipo", "Servicio"
                );
                for r in rows.as_array().into_iter().flatten() {
                    let date = r["fecha"]
                        .as_str()
                        .and_then(actas::dates::parse_iso_date)
                        .map(format_date)
                        .unwrap_or_default();
                    println!(
                        "{:>4} {:<10} {:<11} {:<40} {}",
                        r["numero"],
                        date,
                        r["tipo_mantenimiento"].as_str().unwrap_or_default(),
                        clip(r["servicio"].as_str().unwrap_or_default(), 40),
                        r["estado_final"].as_str().unwrap_or_default()
                    );
                }
            }
        }
        MaintenanceCommand::Form {
            period,
            periodo,
            out,
        } => {
            let (from, to) = period.days()?;
            let request = FormRequest::MaintenanceLog { from, to, periodo };
            generate(&service, store, &request, &out)?;
        }
        MaintenanceCommand::Acta { numero, anio, out } => {
            let request = FormRequest::MaintenanceActa { numero, year: anio };
            generate(&service, store, &request, &out)?;
        }
    }
    Ok(())
}

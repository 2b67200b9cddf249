//! The `actas` command: parses arguments, calls `actas::service`, prints
//! Spanish output (or JSON with `--json`) and maps errors to exit codes
//! (0 ok, 1 failure, 2 input to fix). No document logic lives here.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use serde::Serialize;

use actas::clock::Clock;
use actas::dates::day_arg;
use actas::error::ActasError;
use actas::service::{
    document_reference, read_data_file, BundleExportRequest, BundleSelection, KeySource, Service,
    SignRequest, SignatureSettings,
};
use actas::service::{ImportKind, ImportedPdf};
use actas::sign::pkcs11::TokenSelection;
use actas::store::{NewPerson, PersonRole, Store};
use actas::template::Catalogue;

#[global_allocator]
static ALLOCATOR: actas::allocator::Allocator = actas::allocator::Allocator;

mod guidance_cli;
mod registers_cli;
use registers_cli::{
    BackupsCommand, LicencesCommand, MaintenanceCommand, SupportCommand, TapesCommand,
};

/// Actas: actas y formatos de TI — generar, firmar y archivar.
#[derive(Parser)]
#[command(name = "actas", version, about, disable_help_subcommand = true)]
struct Cli {
    /// Base de datos: archivo SQLite (por defecto, el del directorio de datos del usuario)
    /// o servidor PostgreSQL compartido (postgres://usuario@servidor:5432/actas; la
    /// contraseña, en PGPASSWORD o ~/.pgpass).
    #[arg(long, global = true, env = "ACTAS_DB")]
    db: Option<PathBuf>,
    /// Carpeta de plantillas (por defecto ./templates o ACTAS_TEMPLATES).
    #[arg(long, global = true)]
    templates: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Lista las plantillas disponibles.
    Templates {
        #[arg(long)]
        json: bool,
    },
    /// Genera el PDF de una plantilla con un archivo de datos, sin guardarlo
    /// (o el correo .eml de una plantilla de correo, si la salida termina en .eml).
    Render {
        template: String,
        #[arg(long)]
        data: PathBuf,
        #[arg(short, long)]
        output: PathBuf,
        /// Número a imprimir (AAAA-NNN); sin él, el PDF dice «sin numerar».
        #[arg(long)]
        numero: Option<String>,
        /// PDF que se adjunta al correo (solo con salida .eml), p. ej. el acta relacionada.
        #[arg(long)]
        adjunto: Option<PathBuf>,
    },
    /// Fecha en que vence un plazo en días útiles (sin fines de semana, feriados ni días no laborables).
    Plazo {
        /// Fecha desde la que se cuenta (AAAA-MM-DD); no se cuenta ella misma.
        #[arg(value_parser = day_arg)]
        desde: NaiveDate,
        /// Número de días útiles.
        #[arg(long = "dias-utiles")]
        dias_utiles: u32,
        /// País del calendario: PE, BO o MX.
        #[arg(long, default_value = "PE")]
        pais: String,
        #[arg(long)]
        json: bool,
    },
    /// Guarda un documento nuevo: le asigna su correlativo e imprime el número.
    New {
        template: String,
        #[arg(long)]
        data: PathBuf,
    },
    /// Lista los documentos guardados.
    List {
        #[arg(long)]
        json: bool,
        /// Solo los documentos cuyo número, título, datos (sistema, personas
        /// nombradas) o firmantes contienen todas estas palabras.
        #[arg(long)]
        buscar: Option<String>,
    },
    /// Crea un borrador nuevo con los datos de un documento guardado (fechas y números vacíos).
    Duplicate {
        /// Número del documento (p. ej. 2026-001).
        doc: String,
        /// Escribe además los datos del borrador en este archivo JSON (para «actas new»).
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Anula un documento guardado: se conserva, queda «anulado» y no admite más firmas.
    Annul {
        /// Número del documento (p. ej. 2026-001).
        doc: String,
        /// Motivo de la anulación (obligatorio; queda en el registro de auditoría).
        #[arg(long)]
        motivo: Option<String>,
    },
    /// Lista de la configuración inicial: perfil, personas, certificado raíz, módulo del token.
    Checklist {
        #[arg(long)]
        json: bool,
    },
    /// Exporta la última revisión de un documento guardado.
    Export {
        /// Número del documento (p. ej. 2026-001).
        doc: String,
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Firma el campo de un rol: un PDF (con -o) o un documento guardado (nueva revisión).
    #[command(group(clap::ArgGroup::new("clave").required(true).args(["p12", "pkcs11"])))]
    Sign {
        /// PDF de entrada, o número del documento guardado (p. ej. 2026-001).
        target: String,
        /// PDF firmado de salida (solo al firmar un archivo; el original no se modifica).
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Rol que firma (el campo es firma.<rol>).
        #[arg(long)]
        role: String,
        /// Certificado PKCS#12 (.p12 / .pfx).
        #[arg(long)]
        p12: Option<PathBuf>,
        /// Variable de entorno con la contraseña (sin ella se pregunta en la terminal).
        #[arg(long)]
        password_env: Option<String>,
        #[command(flatten)]
        token: TokenArgs,
        /// Nivel PAdES: B-B, B-T, B-LT o B-LTA (por defecto el de Configuración; B-T si hay TSA).
        #[arg(long)]
        level: Option<actas::sign::Level>,
        /// Servicio de sellado de tiempo RFC 3161 (http:// o https://).
        #[arg(long)]
        tsa: Option<String>,
        /// Motivo de la firma (por defecto «Firma como <cargo del rol>»).
        #[arg(long)]
        reason: Option<String>,
        /// Lugar de la firma.
        #[arg(long, env = "ACTAS_UBICACION")]
        location: Option<String>,
        /// Firma en reemplazo de la persona que el documento nombra para el rol
        /// (queda en el registro de auditoría).
        #[arg(long)]
        firmar_como_suplente: bool,
        #[arg(long)]
        json: bool,
    },
    /// Registra PDF recibidos: la siguiente revisión de un documento guardado
    /// (si amplía su última revisión) o un documento recibido nuevo.
    Import {
        /// PDF firmados.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Certificados raíz de confianza (PEM o DER), además de los configurados.
        #[arg(long)]
        trust: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Documentos que esperan una firma, con la persona que el documento nombra.
    Pending {
        /// Solo los que esperan la firma de esta persona (ACTAS_PERSONA: id o DNI).
        #[arg(long)]
        mine: bool,
        /// La persona (id del registro de personas o DNI).
        #[arg(long, env = "ACTAS_PERSONA")]
        persona: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Agrega datos de validación (DSS) y un sello de tiempo de documento (re-sellado, B-LTA).
    Ltv {
        /// PDF firmado, o número del documento guardado (nueva revisión).
        target: String,
        /// PDF de salida (sin -o, el archivo se actualiza en su lugar: solo se agrega al final).
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Servicio de sellado de tiempo RFC 3161 (por defecto el de Configuración).
        #[arg(long)]
        tsa: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Tokens criptográficos PKCS#11 (DNIe, tokens USB).
    Tokens {
        #[command(subcommand)]
        command: TokensCommand,
    },
    /// Verifica las firmas de un PDF o de un documento guardado.
    Verify {
        /// PDF, o número del documento guardado.
        target: String,
        /// Certificados raíz de confianza (PEM o DER).
        #[arg(long)]
        trust: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Paquete de archivo ASiC-E sellado: exportar y verificar.
    Bundle {
        #[command(subcommand)]
        command: BundleCommand,
    },
    /// Maestro de licencias: importar, resumen, por vencer, notificación.
    Licences {
        #[command(subcommand)]
        command: LicencesCommand,
    },
    /// Cintas: custodia, retención de 4 años, inventario de cintas.
    Tapes {
        #[command(subcommand)]
        command: TapesCommand,
    },
    /// Copias de respaldo: bitácora diaria, recuperaciones y restauraciones.
    Backups {
        #[command(subcommand)]
        command: BackupsCommand,
    },
    /// Mantenimientos: registro, ficha de control y acta de servicio.
    Maintenance {
        #[command(subcommand)]
        command: MaintenanceCommand,
    },
    /// Soporte técnico (MEF): estadísticas de atenciones e incidencias.
    Support {
        #[command(subcommand)]
        command: SupportCommand,
    },
    /// Registro de auditoría.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Directorio de personas que llenan y firman.
    People {
        #[command(subcommand)]
        command: PeopleCommand,
    },
}

#[derive(Subcommand)]
enum BundleCommand {
    /// Exporta documentos firmados (última revisión) a un paquete ASiC-E sellado por el archivo.
    Export {
        /// Números de los documentos (como los muestra «actas list»).
        docs: Vec<String>,
        /// Paquete de salida (.zip), escrito de forma atómica.
        #[arg(short, long)]
        output: PathBuf,
        /// Certificado PKCS#12 del archivo, que sella el manifiesto.
        #[arg(long)]
        p12: PathBuf,
        /// Variable de entorno con la contraseña (sin ella se pregunta en la terminal).
        #[arg(long)]
        password_env: Option<String>,
        /// Solo documentos de esta plantilla (se puede repetir).
        #[arg(long = "form")]
        forms: Vec<String>,
        /// Solo documentos en este estado (se puede repetir).
        #[arg(long = "status", value_enum)]
        statuses: Vec<StatusArg>,
        /// Solo documentos creados desde este día.
        #[arg(long, value_parser = day_arg, value_name = "AAAA-MM-DD")]
        from: Option<NaiveDate>,
        /// Solo documentos creados hasta este día.
        #[arg(long, value_parser = day_arg, value_name = "AAAA-MM-DD")]
        to: Option<NaiveDate>,
        /// Raíces de confianza: la cadena de cada firma se comprueba y se registra.
        #[arg(long)]
        trust: Option<PathBuf>,
        /// Antes de sellar, agrega a cada PDF datos de validación y un sello de tiempo de documento.
        #[arg(long)]
        ltv: bool,
        /// Servicio de sellado de tiempo para --ltv (por defecto el de Configuración).
        #[arg(long, requires = "ltv")]
        tsa: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Verifica un paquete: estructura, sello, huella de cada archivo y firmas de cada PDF.
    Verify {
        bundle: PathBuf,
        /// Certificados raíz de confianza (PEM o DER), para el sello y las firmas.
        #[arg(long)]
        trust: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
}

/// A document's signing status, as `--status` takes it.
#[derive(Clone, Copy, clap::ValueEnum)]
enum StatusArg {
    /// Sin firmas.
    Borrador,
    /// Con alguna firma y firmas pendientes.
    EnFirma,
    /// Con todas las firmas requeridas.
    Firmado,
}

impl StatusArg {
    /// The status as the store writes it (`service::signing`).
    fn stored(self) -> String {
        match self {
            StatusArg::Borrador => "borrador",
            StatusArg::EnFirma => "en firma",
            StatusArg::Firmado => "firmado",
        }
        .to_string()
    }
}

/// A certificate on a PKCS#11 token instead of a `.p12`.
#[derive(clap::Args)]
struct TokenArgs {
    /// Módulo PKCS#11 del token (p. ej. /usr/lib/x86_64-linux-gnu/opensc-pkcs11.so).
    #[arg(long)]
    pkcs11: Option<PathBuf>,
    /// Etiqueta del token (si hay más de uno conectado).
    #[arg(long, requires = "pkcs11")]
    token: Option<String>,
    /// Etiqueta de la clave y su certificado en el token.
    #[arg(long, requires = "pkcs11", conflicts_with = "cert")]
    key: Option<String>,
    /// Número de serie (hexadecimal) del certificado en el token.
    #[arg(long, requires = "pkcs11")]
    cert: Option<String>,
    /// Variable de entorno con el PIN (sin ella se pregunta en la terminal).
    #[arg(long, requires = "pkcs11")]
    pin_env: Option<String>,
}

#[derive(Subcommand)]
enum TokensCommand {
    /// Lista los tokens de un módulo PKCS#11 y sus certificados.
    List {
        /// Módulo PKCS#11 (por defecto el de Configuración).
        #[arg(long)]
        pkcs11: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Verifica la cadena de hashes del registro de auditoría y sus puntos de control.
    Verify {
        #[arg(long)]
        json: bool,
    },
    /// Sella la cabeza de la cadena con el certificado del archivo (punto de control).
    Checkpoint {
        /// Certificado PKCS#12 del archivo (el sello de la oficina).
        #[arg(long)]
        p12: PathBuf,
        /// Variable de entorno con la contraseña (sin ella se pregunta en la terminal).
        #[arg(long)]
        password_env: Option<String>,
    },
}

#[derive(Subcommand)]
enum PeopleCommand {
    /// Registra una persona.
    Add {
        #[arg(long)]
        nombres: String,
        #[arg(long)]
        apellido_paterno: String,
        #[arg(long, default_value = "")]
        apellido_materno: String,
        #[arg(long, default_value = "")]
        cargo: String,
        #[arg(long, default_value = "")]
        area: String,
        #[arg(long, default_value = "")]
        email: String,
        /// DNI (el serialNumber de su certificado).
        #[arg(long, default_value = "")]
        dni: String,
    },
    /// Asigna a una persona un rol que firma (en una plantilla o en todas).
    Role {
        /// Id de la persona (como lo muestra «people list»).
        id: i64,
        /// Rol, p. ej. coord-calidad.
        role: String,
        /// Solo en esta plantilla.
        #[arg(long)]
        template: Option<String>,
    },
    /// Lista las personas registradas.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Corrige los datos de una persona (solo los indicados).
    Edit(guidance_cli::PersonEdit),
    /// Desactiva a una persona: ya no se ofrece como firmante, sigue en sus documentos.
    Deactivate {
        /// Id de la persona (como lo muestra «people list»).
        id: i64,
    },
    /// Vuelve a activar a una persona desactivada.
    Activate {
        /// Id de la persona (como lo muestra «people list»).
        id: i64,
    },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(
                e.kind(),
                ErrorKind::DisplayHelp
                    | ErrorKind::DisplayVersion
                    | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            ) {
                let _ = e.print();
                return ExitCode::SUCCESS;
            }
            eprintln!(
                "actas: argumentos inválidos: {} (vea «actas --help»)",
                describe_usage_error(&e)
            );
            return ExitCode::from(2);
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("actas: {error}");
            ExitCode::from(error.exit_code() as u8)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, ActasError> {
    let clock = Clock::from_env().map_err(ActasError::Other)?;
    let templates_dir = cli.templates.clone().unwrap_or_else(Catalogue::default_dir);
    let service = || Service::open(&templates_dir, clock);
    let store = || open_store(cli.db.as_deref());
    match cli.command {
        Command::Templates { json } => {
            let list = service()?.templates();
            if json {
                print_json(&list);
            } else {
                for t in list {
                    let n = t.signers.len();
                    println!(
                        "{:<36} {} — {} ({n} {})",
                        t.id,
                        t.form_code,
                        t.title,
                        plural(n, "firmante", "firmantes")
                    );
                }
            }
        }
        Command::Render {
            template,
            data,
            output,
            numero,
            adjunto,
        } => {
            let data = read_data_file(&data)?;
            let mut service = service()?;
            // The office profile applies when the office's database exists.
            if database_exists(cli.db.as_deref()) {
                service.apply_profile(&store()?)?;
            }
            let is_eml = output
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("eml"));
            if is_eml {
                let eml = service.render_email(
                    None,
                    &template,
                    &data,
                    numero.as_deref(),
                    adjunto.as_deref(),
                )?;
                actas::files::write_atomic(&output, &eml)?;
                println!(
                    "Correo generado: {} ({} bytes{})",
                    output.display(),
                    eml.len(),
                    if adjunto.is_some() {
                        ", con adjunto"
                    } else {
                        ""
                    }
                );
                return Ok(ExitCode::SUCCESS);
            }
            if adjunto.is_some() {
                return Err(ActasError::Input(
                    "--adjunto solo vale al generar un correo (-o archivo.eml)".into(),
                ));
            }
            let rendered = service.render(&template, &data, numero.as_deref())?;
            actas::files::write_atomic(&output, &rendered.pdf)?;
            println!(
                "PDF generado: {} ({} {}, {} {})",
                output.display(),
                rendered.pages,
                plural(rendered.pages, "página", "páginas"),
                rendered.slots.len(),
                plural(rendered.slots.len(), "campo de firma", "campos de firma")
            );
        }
        Command::Plazo {
            desde,
            dias_utiles,
            pais,
            json,
        } => {
            let country = actas::calendar::Country::parse(&pais).ok_or_else(|| {
                ActasError::Other(format!("país desconocido «{pais}» (use PE, BO o MX)"))
            })?;
            let service = service()?;
            // The office's days typed in Configuración count when its database exists.
            let store = if database_exists(cli.db.as_deref()) {
                Some(store()?)
            } else {
                None
            };
            let deadline = service.plazo(store.as_ref(), desde, dias_utiles, country)?;
            if json {
                print_json(&deadline);
            } else {
                println!("{}", deadline.vence.format("%d/%m/%Y"));
                let skipped: Vec<String> = deadline
                    .omitidos
                    .iter()
                    .map(|d| format!("{} {}", d.fecha.format("%d/%m"), d.motivo))
                    .collect();
                println!(
                    "Vence el {}: {} {} desde el {} ({}); sin contar {} {} de fin de semana{}.",
                    actas::calendar::weekday_date(deadline.vence),
                    dias_utiles,
                    plural(dias_utiles as usize, "día útil", "días útiles"),
                    actas::calendar::weekday_date(desde),
                    country.name(),
                    deadline.fines_de_semana,
                    plural(deadline.fines_de_semana as usize, "día", "días"),
                    if skipped.is_empty() {
                        String::new()
                    } else {
                        format!(" ni {}", skipped.join(", "))
                    }
                );
            }
        }
        Command::New { template, data } => {
            let data = read_data_file(&data)?;
            let mut service = service()?;
            // Check the template before the store is opened (and possibly created).
            let series = service.catalogue.require(&template)?.series.clone();
            let mut store = store()?;
            // The office profile prints in the header, as in the window.
            service.apply_profile(&store)?;
            let stored = service.create(&mut store, &template, data, &actor())?;
            println!("{}", document_reference(&series, &stored.number));
        }
        Command::List { json, buscar } => {
            let service = service()?;
            let filter = actas::store::DocumentFilter {
                text: buscar,
                ..Default::default()
            };
            let list = service.list_where(&store()?, &filter)?;
            if json {
                print_json(&list);
            } else if list.is_empty() {
                println!("No hay documentos guardados.");
            } else {
                println!(
                    "{:<10} {:<30} {:<20} Título",
                    "Número", "Plantilla", "Estado"
                );
                for d in list {
                    let next = if d.next.is_empty() {
                        String::new()
                    } else {
                        format!(" — siguiente: {}", d.next.join(", "))
                    };
                    println!(
                        "{:<10} {:<30} {:<20} {}{next}",
                        d.reference, d.template, d.status, d.title
                    );
                }
            }
        }
        Command::Duplicate { doc, output } => {
            guidance_cli::duplicate(&service()?, &mut store()?, &doc, output)?
        }
        Command::Annul { doc, motivo } => {
            guidance_cli::annul(&service()?, &mut store()?, &doc, motivo, &actor())?
        }
        Command::Checklist { json } => guidance_cli::checklist(&store()?, json)?,
        Command::Export { doc, output } => {
            let revision = service()?.export(&store()?, &doc, &output)?;
            println!(
                "Documento {doc} (revisión {revision}) exportado a {}",
                output.display()
            );
        }
        Command::Sign {
            target,
            output,
            role,
            p12,
            password_env,
            token,
            level,
            tsa,
            reason,
            location,
            firmar_como_suplente,
            json,
        } => {
            // Only the template the PDF names is read (one process per signature is common).
            let service = Service::open_deferred(&templates_dir, clock);
            let path = Path::new(&target);
            let (mut store, settings) =
                office_settings(output.is_some(), cli.db.as_deref(), store)?;
            // Without --location, the office profile's default location (as in the window).
            let location = match (location, store.as_ref()) {
                (Some(location), _) => Some(location),
                (None, Some(store)) => Some(actas::service::read_profile(store)?.ubicacion)
                    .filter(|l| !l.trim().is_empty()),
                (None, None) => None,
            };
            let key = match (p12, token.pkcs11) {
                (Some(path), _) => KeySource::P12 {
                    path,
                    password: read_secret(password_env.as_deref(), Secret::Password)?,
                },
                (None, Some(module)) => KeySource::Token {
                    selection: TokenSelection {
                        module,
                        token: token.token,
                        key_label: token.key,
                        cert_serial: token.cert,
                    },
                    pin: read_secret(token.pin_env.as_deref(), Secret::Pin)?,
                },
                (None, None) => unreachable!("clap requires --p12 or --pkcs11"),
            };
            let request = SignRequest {
                role,
                key,
                reason,
                location,
                level,
                tsa,
                settings,
                substitute: firmar_como_suplente,
            };
            let outcome = match (output, store.as_mut()) {
                (Some(output), _) => service.sign_file(path, &output, &request)?,
                (None, Some(store)) => service.sign_stored(store, &target, &request, &actor())?,
                (None, None) => unreachable!("a stored document opens the store"),
            };
            if json {
                print_json(&outcome);
            } else {
                let next = if outcome.complete {
                    "todas las firmas requeridas están completas".to_string()
                } else if outcome.next.is_empty() {
                    "sin firmas pendientes habilitadas".to_string()
                } else {
                    format!("siguiente: {}", outcome.next.join(", "))
                };
                let stamp = match &outcome.timestamp {
                    Some(t) => format!(", sello de tiempo {t}"),
                    None => String::new(),
                };
                println!(
                    "Firmado como {} por {} (PAdES {}{stamp}; {next}).",
                    outcome.role, outcome.signer, outcome.level
                );
            }
        }
        Command::Ltv {
            target,
            output,
            tsa,
            json,
        } => {
            let service = Service::open_deferred(&templates_dir, clock);
            let path = Path::new(&target);
            let is_file = path.is_file();
            let (mut store, settings) = office_settings(is_file, cli.db.as_deref(), store)?;
            let outcome = match store.as_mut() {
                Some(store) if !is_file => service.extend_ltv_stored(
                    store,
                    &target,
                    tsa.as_deref(),
                    &settings,
                    &actor(),
                )?,
                _ => {
                    let out = output.clone().unwrap_or_else(|| path.to_path_buf());
                    service.extend_ltv_file(path, &out, tsa.as_deref(), &settings)?
                }
            };
            if json {
                print_json(&outcome);
            } else {
                println!(
                    "Datos de validación agregados a {target}: {} {}, {} {} OCSP, {} {}; sello de tiempo de documento {}.",
                    outcome.certificates,
                    plural(outcome.certificates, "certificado", "certificados"),
                    outcome.ocsp_responses,
                    plural(outcome.ocsp_responses, "respuesta", "respuestas"),
                    outcome.crls,
                    plural(outcome.crls, "CRL", "CRL"),
                    outcome.timestamp.as_deref().unwrap_or("—")
                );
                for revoked in &outcome.revoked {
                    println!("Aviso: certificado revocado: {revoked}");
                }
            }
        }
        Command::Tokens {
            command: TokensCommand::List { pkcs11, json },
        } => {
            let module = match pkcs11 {
                Some(module) => module,
                None => {
                    let configured = if database_exists(cli.db.as_deref()) {
                        SignatureSettings::load(&store()?)?.pkcs11_module
                    } else {
                        String::new()
                    };
                    if configured.trim().is_empty() {
                        return Err(ActasError::Other(
                            "indique el módulo PKCS#11 con --pkcs11 (p. ej. /usr/lib/x86_64-linux-gnu/opensc-pkcs11.so)".into(),
                        ));
                    }
                    PathBuf::from(configured.trim())
                }
            };
            let tokens = actas::sign::pkcs11::list_tokens(&module)
                .map_err(|e| ActasError::Sign(e.into()))?;
            if json {
                print_json(&tokens);
            } else if tokens.is_empty() {
                println!("No hay tokens conectados al módulo {}.", module.display());
            } else {
                for t in tokens {
                    println!(
                        "Token «{}» ({} {}, serie {})",
                        t.label, t.manufacturer, t.model, t.serial
                    );
                    if t.certificates.is_empty() {
                        println!("  sin certificados");
                    }
                    for c in t.certificates {
                        println!(
                            "  «{}» {} — emisor: {} — vigente del {} al {} — serie {}{}{}",
                            c.label,
                            c.subject,
                            c.issuer,
                            c.valid_from,
                            c.valid_until,
                            c.serial,
                            c.dni.map(|d| format!(" — DNI {d}")).unwrap_or_default(),
                            if c.has_key {
                                ""
                            } else {
                                " (sin clave privada)"
                            }
                        );
                    }
                }
            }
        }
        Command::Import { files, trust, json } => {
            let service = Service::open_deferred(&templates_dir, clock);
            let mut store = store()?;
            let mut roots = actas::app::trust_root_certificates(&store)?;
            if let Some(path) = &trust {
                roots.extend(
                    actas::verify::cms::load_trust_roots(path)
                        .map_err(|e| ActasError::Input(e.to_string()))?,
                );
            }
            let mut imported = Vec::new();
            for file in &files {
                let done = service.import_file(&mut store, file, roots.clone(), &actor())?;
                if !json {
                    println!("{}", describe_import(&done));
                }
                imported.push(done);
            }
            if json {
                print_json(&imported);
            }
        }
        Command::Pending {
            mine,
            persona,
            json,
        } => {
            let service = service()?;
            let store = store()?;
            let people = store.people()?;
            let me = match (mine, persona.as_deref()) {
                (false, _) => None,
                (true, None) => return Err(ActasError::Input(
                    "«--mine» necesita saber quién es usted: indique --persona o ACTAS_PERSONA \
                         (id o DNI)"
                        .into(),
                )),
                (true, Some(who)) => {
                    Some(actas::service::find_person(&people, who).ok_or_else(|| {
                        ActasError::Input(format!(
                            "no hay una persona registrada con id o DNI «{who}»"
                        ))
                    })?)
                }
            };
            let pending = service.pending(&store, me)?;
            if json {
                print_json(&pending);
            } else if pending.is_empty() {
                println!("No hay documentos por firmar.");
            } else {
                for p in pending {
                    let who: Vec<String> = p
                        .waiting_for
                        .iter()
                        .map(|w| {
                            if w.name.is_empty() {
                                w.role.clone()
                            } else {
                                format!("{} ({})", w.role, w.name)
                            }
                        })
                        .collect();
                    println!(
                        "{:<10} {:<30} {} — por firmar: {}",
                        p.document.reference,
                        p.document.template,
                        p.document.title,
                        who.join(", ")
                    );
                }
            }
        }
        Command::Verify {
            target,
            trust,
            json,
        } => {
            // Verifying reads only the template the signed PDF names.
            let service = Service::open_deferred(&templates_dir, clock);
            let path = Path::new(&target);
            // The office's configured roots count too, when its database exists.
            let is_file = path.is_file();
            let db_exists = database_exists(cli.db.as_deref());
            let store = if is_file && !db_exists {
                None
            } else {
                Some(store()?)
            };
            // Name the file or document in the message (e.g. «x.pdf: no es un PDF …»).
            let report = match &store {
                Some(store) if !is_file => {
                    service.verify_stored(store, &target, trust.as_deref())?
                }
                _ => {
                    let configured = match &store {
                        Some(store) => actas::app::trust_root_certificates(store)?,
                        None => Vec::new(),
                    };
                    let bytes = actas::limits::read_file(path, actas::limits::PDF_FILE_BYTES)?;
                    let mut report = service.verify_bytes(
                        &bytes,
                        &target,
                        trust.as_deref(),
                        configured,
                        None,
                    )?;
                    // A copy of a document in the register: who must still sign, by name.
                    let stored = store
                        .as_ref()
                        .zip(report.number.clone())
                        .and_then(|(store, number)| store.document(&number).ok());
                    if let Some(doc) =
                        stored.filter(|d| Some(&d.template_id) == report.template.as_ref())
                    {
                        service.describe_acta(&mut report, Some(&doc.data))?;
                    }
                    report
                }
            };
            if json {
                print_json(&report);
            } else {
                print!("{}", service.readable(&report)?.to_table());
            }
            if !report.ok {
                // Exit 1 NO VÁLIDO, 3 INDETERMINADO (docs/verification.md).
                let first = report.reasons.first().cloned().unwrap_or_default();
                eprintln!("actas: {target}: {} — {first}", report.verdict.label());
                return Ok(ExitCode::from(report.verdict.exit_code()));
            }
        }
        Command::Bundle {
            command:
                BundleCommand::Export {
                    docs,
                    output,
                    p12,
                    password_env,
                    forms,
                    statuses,
                    from,
                    to,
                    trust,
                    ltv,
                    tsa,
                    json,
                },
        } => {
            let service = service()?;
            let selection = BundleSelection {
                documents: docs,
                forms,
                statuses: statuses.into_iter().map(StatusArg::stored).collect(),
                from,
                to,
            };
            let password = read_secret(password_env.as_deref(), Secret::Password)?;
            let request = BundleExportRequest {
                selection,
                p12,
                password,
                trust,
                output,
                ltv,
                tsa,
            };
            let outcome = service.export_bundle(&mut store()?, &request)?;
            if json {
                print_json(&outcome);
            } else {
                let n = outcome.documents.len();
                println!(
                    "Paquete {} exportado a {}: {n} {}, {} {}, sellado por {}.",
                    outcome.bundle,
                    outcome.output.display(),
                    plural(n, "documento", "documentos"),
                    outcome.signatures,
                    plural(outcome.signatures, "firma", "firmas"),
                    outcome.sealed_by
                );
            }
        }
        Command::Bundle {
            command:
                BundleCommand::Verify {
                    bundle,
                    trust,
                    json,
                },
        } => {
            let report = service()?.verify_bundle_file(&bundle, trust.as_deref())?;
            if json {
                print_json(&report);
            } else {
                print!("{}", report.to_text());
            }
            if let Some(first) = report.problems.first() {
                let more = report.problems.len() - 1;
                return Err(ActasError::Other(format!(
                    "el paquete {} no es conforme: {first}{}",
                    bundle.display(),
                    if more > 0 {
                        format!(" (y {more} {} más)", plural(more, "problema", "problemas"))
                    } else {
                        String::new()
                    }
                )));
            }
        }
        Command::Licences { command } => registers_cli::run_licences(command, &service, &store)?,
        Command::Tapes { command } => registers_cli::run_tapes(command, &service, &store)?,
        Command::Backups { command } => registers_cli::run_backups(command, &service, &store)?,
        Command::Maintenance { command } => {
            registers_cli::run_maintenance(command, &service, &store)?
        }
        Command::Support { command } => registers_cli::run_support(command, &service, &store)?,
        Command::Audit {
            command: AuditCommand::Checkpoint { p12, password_env },
        } => {
            let password = read_secret(password_env.as_deref(), Secret::Password)?;
            let service = Service::open_deferred(&templates_dir, clock);
            let checkpoint = service.seal_audit(&mut store()?, &p12, &password)?;
            println!(
                "Punto de control {}: registro {} sellado por {}.",
                checkpoint.id, checkpoint.audit_id, checkpoint.signer
            );
        }
        Command::Audit {
            command: AuditCommand::Verify { json },
        } => {
            let store = store()?;
            let report = store.verify_audit()?;
            if json {
                print_json(&serde_json::json!({
                    "rows": report.rows,
                    "problems": report.problems,
                    "checkpoints": store.checkpoints()?,
                }));
            }
            if report.problems.is_empty() {
                if !json {
                    println!(
                        "Registro de auditoría íntegro: {} filas verificadas.",
                        report.rows
                    );
                }
            } else {
                let first = &report.problems[0];
                return Err(ActasError::Other(format!(
                    "el registro de auditoría fue alterado: fila {}: {} ({} problemas en {} filas)",
                    first.row_id,
                    first.reason,
                    report.problems.len(),
                    report.rows
                )));
            }
        }
        Command::People {
            command:
                PeopleCommand::Add {
                    nombres,
                    apellido_paterno,
                    apellido_materno,
                    cargo,
                    area,
                    email,
                    dni,
                },
        } => {
            let person = NewPerson {
                given_names: nombres,
                paternal_surname: apellido_paterno,
                maternal_surname: apellido_materno,
                cargo,
                area,
                email,
                dni,
            };
            let added = store()?.add_person(&person, clock.now())?;
            println!(
                "Persona registrada: {} {} {} (id {})",
                added.given_names, added.paternal_surname, added.maternal_surname, added.id
            );
        }
        Command::People {
            command: PeopleCommand::Role { id, role, template },
        } => {
            let role = PersonRole {
                template_id: template.unwrap_or_default(),
                role,
            };
            store()?.assign_role(id, &role, clock.now())?;
            println!("Rol {} asignado a la persona {id}.", role.role);
        }
        Command::People {
            command: PeopleCommand::List { json },
        } => {
            let people = store()?.people()?;
            if json {
                print_json(&people);
            } else {
                for p in people {
                    println!("{:>4}  {}", p.id, guidance_cli::describe(&p));
                }
            }
        }
        Command::People {
            command: PeopleCommand::Edit(edit),
        } => guidance_cli::edit_person(&mut store()?, edit, &clock)?,
        Command::People {
            command: PeopleCommand::Deactivate { id },
        } => guidance_cli::set_active(&mut store()?, id, false, &clock)?,
        Command::People {
            command: PeopleCommand::Activate { id },
        } => guidance_cli::set_active(&mut store()?, id, true, &clock)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// A clap usage error in one Spanish phrase: the argument and why.
fn describe_usage_error(e: &clap::Error) -> String {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let context = |kind| match e.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join(", "),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    let (arg, value) = (
        context(ContextKind::InvalidArg),
        context(ContextKind::InvalidValue),
    );
    match e.kind() {
        ErrorKind::ValueValidation => {
            // The value parser's own (Spanish) reason follows the last «: ».
            let detail = e.to_string();
            let first = detail.lines().next().unwrap_or_default();
            let reason = first.rsplit_once(": ").map_or(first, |(_, r)| r);
            format!("{arg}: {reason}")
        }
        ErrorKind::InvalidValue => format!(
            "{arg}: «{value}» no es un valor admitido (valores: {})",
            context(ContextKind::ValidValue)
        ),
        ErrorKind::MissingRequiredArgument => format!("falta {arg}"),
        ErrorKind::UnknownArgument => format!("argumento desconocido «{arg}»"),
        ErrorKind::InvalidSubcommand => format!("orden desconocida «{value}»"),
        ErrorKind::MissingSubcommand => "falta la orden".to_string(),
        _ => {
            let detail = e.to_string();
            detail
                .lines()
                .next()
                .unwrap_or_default()
                .trim_start_matches("error: ")
                .to_string()
        }
    }
}

fn open_store(db: Option<&Path>) -> Result<Store, ActasError> {
    let path = match db {
        Some(p) => p.to_path_buf(),
        None => default_db_path()?,
    };
    Ok(Store::open(&path)?)
}

/// Whether the office's database is there to read (a server always counts).
fn database_exists(db: Option<&Path>) -> bool {
    match db {
        Some(db) if actas::store::is_postgres_url(&db.to_string_lossy()) => true,
        Some(db) => db.exists(),
        None => default_db_path().is_ok_and(|db| db.exists()),
    }
}

fn default_db_path() -> Result<PathBuf, ActasError> {
    actas::app::default_database_path()
}

/// What secret is asked for.
#[derive(Clone, Copy)]
enum Secret {
    Password,
    Pin,
}

/// A certificate password or token PIN: from the named environment
/// variable, else typed at the terminal without echo. Never an argument,
/// never logged.
fn read_secret(env: Option<&str>, what: Secret) -> Result<String, ActasError> {
    let (name, the_name, flag, prompt) = match what {
        Secret::Password => (
            "contraseña del certificado",
            "la contraseña del certificado",
            "--password-env",
            "Contraseña del certificado: ",
        ),
        Secret::Pin => (
            "PIN del token",
            "el PIN del token",
            "--pin-env",
            "PIN del token: ",
        ),
    };
    if let Some(var) = env {
        return std::env::var(var).map_err(|_| {
            ActasError::Other(format!(
                "la variable de entorno {var} ({name}) no está definida"
            ))
        });
    }
    use std::io::IsTerminal;
    if !std::io::stdin().is_terminal() {
        return Err(ActasError::Other(format!(
            "indique {the_name} con {flag} VARIABLE"
        )));
    }
    rpassword::prompt_password(prompt)
        .map_err(|e| ActasError::Other(format!("no se pudo leer {the_name}: {e}")))
}

/// The store (opened unless a file is handled and no database exists) and
/// the office's signature settings (the defaults without a store).
fn office_settings(
    is_file: bool,
    db: Option<&Path>,
    open: impl Fn() -> Result<Store, ActasError>,
) -> Result<(Option<Store>, SignatureSettings), ActasError> {
    let store = if is_file && !database_exists(db) {
        None
    } else {
        Some(open()?)
    };
    let settings = match &store {
        Some(store) => SignatureSettings::load(store)?,
        None => SignatureSettings::default(),
    };
    Ok((store, settings))
}

/// Who acts, for the audit log: `ACTAS_USUARIO`, else the OS user.
fn actor() -> String {
    ["ACTAS_USUARIO", "USER", "USERNAME"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| "desconocido".into())
}

fn describe_import(done: &ImportedPdf) -> String {
    match done.kind {
        ImportKind::Revision => format!(
            "{}: revisión {} de {} ({})",
            done.file, done.revision, done.reference, done.status
        ),
        ImportKind::Received => format!(
            "{}: registrado como documento recibido {} ({})",
            done.file, done.reference, done.status
        ),
        ImportKind::AlreadyStored => format!(
            "{}: ya registrado como revisión {} de {}",
            done.file, done.revision, done.reference
        ),
    }
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else {
        many
    }
}

fn print_json<T: Serialize>(value: &T) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => println!("{text}"),
        Err(e) => eprintln!("actas: no se pudo serializar la salida JSON: {e}"),
    }
}

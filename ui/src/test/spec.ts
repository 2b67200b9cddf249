/** A hand-written FormSpec with every field kind, for the unit tests. */
import type { FormSpec, Person } from '../api';

export const spec: FormSpec = {
  id: 'demo',
  title: 'Acta de prueba',
  form_code: 'F-01',
  entity: 'Entidad',
  office: 'Oficina',
  signers: [{ role: 'coord-calidad', title: 'Coordinador de Calidad', after: [] }],
  rules: ['MEF 6.4: entre «Solicitud» y «Ejecución» debe haber al menos 7 días calendario.'],
  email: false,
  country: 'PE',
  sections: [
    {
      number: 'I',
      title: 'DATOS',
      level: 1,
      fields: [
        { id: 'area', label: 'Área', required: true, hint: 'Nombre completo', type: { kind: 'text', max_length: 80 } },
        { id: 'detalle', label: 'Detalle', required: false, hint: null, type: { kind: 'multiline', max_length: null } },
        { id: 'fecha', label: 'Fecha', required: true, hint: null, type: { kind: 'date' } },
        { id: 'ejecucion', label: 'Ejecución', required: true, hint: null, type: { kind: 'datetime' } },
        { id: 'cantidad', label: 'Cantidad', required: false, hint: null, type: { kind: 'number', min: 0, max: null, decimals: 0 } },
        { id: 'monto', label: 'Monto', required: false, hint: null, type: { kind: 'money', min: null, max: null } },
      ],
    },
    {
      number: 'A',
      title: 'Opciones',
      level: 2,
      fields: [
        { id: 'ambito', label: 'Ámbito', required: true, hint: null, type: { kind: 'choice', options: ['Nacional', 'Regional'] } },
        { id: 'sistemas', label: 'Sistemas', required: false, hint: null, type: { kind: 'multichoice', options: ['Linux', 'Windows', 'Otro'] } },
        { id: 'urgente', label: '¿Urgente?', required: false, hint: null, type: { kind: 'yesno' } },
        { id: 'nota', label: '', required: false, hint: null, type: { kind: 'static', text: 'Texto fijo del procedimiento.' } },
      ],
    },
    {
      number: 'II',
      title: 'ENTREGABLES',
      level: 1,
      fields: [
        {
          id: 'entregables',
          label: 'Entregables',
          required: true,
          hint: null,
          type: {
            kind: 'table',
            min_rows: 1,
            max_rows: 3,
            columns: [
              { id: 'documento', label: 'Documento', required: true, type: { kind: 'text', max_length: null } },
              { id: 'tipo', label: 'Tipo', required: true, type: { kind: 'choice', options: ['Script', 'Manual'] } },
              { id: 'entrega', label: 'Entrega', required: false, type: { kind: 'date' } },
            ],
          },
        },
      ],
    },
    {
      number: 'III',
      title: 'FIRMAS',
      level: 1,
      fields: [
        { id: 'firma_calidad', label: 'Coordinador de Calidad', required: true, hint: null, type: { kind: 'signer', role: 'coord-calidad' } },
      ],
    },
  ],
};

export const people: Person[] = [
  {
    id: 7,
    given_names: 'María Fernanda',
    paternal_surname: 'Quispe',
    maternal_surname: 'Ñahui',
    cargo: 'Coordinadora de Calidad',
    area: 'OGTI',
    email: '',
    dni: '',
    roles: [],
    active: true,
  },
];

/** A FormSpec with the kinds and conditions of the second catalogue: a
 * secret, a time, e-mail addresses, a computed deadline, fields required
 * only in some cases and a conditional text. It is an e-mail form. */
export const conditionalSpec: FormSpec = {
  id: 'condicional',
  title: 'Solicitud con condiciones',
  form_code: 'F-02',
  entity: 'Entidad',
  office: 'Oficina',
  signers: [],
  rules: [],
  email: true,
  country: 'PE',
  sections: [
    {
      number: '',
      title: 'DATOS',
      level: 1,
      fields: [
        { id: 'para', label: 'Para', required: true, hint: null, type: { kind: 'email' } },
        { id: 'token', label: 'Token', required: true, hint: null, type: { kind: 'secret', max_length: null } },
        { id: 'hora', label: 'Hora', required: false, hint: null, type: { kind: 'time' } },
        { id: 'tipo', label: 'Tipo', required: true, hint: null, type: { kind: 'choice', options: ['Soporte', 'Otro'] } },
        {
          id: 'tipo_otro',
          label: 'Otro tipo',
          required: false,
          hint: null,
          type: { kind: 'text', max_length: null },
          required_when: { field: 'tipo', values: ['Otro'], row: [], negate: false },
        },
        {
          id: 'aviso',
          label: '',
          required: false,
          hint: null,
          type: { kind: 'static', text: 'Se especifica el otro tipo.' },
          when: { field: 'tipo', values: ['Otro'], row: [], negate: false },
        },
        { id: 'vence', label: 'Vence (6 días útiles)', required: false, hint: null, type: { kind: 'date' }, computed: true },
        {
          id: 'items',
          label: 'Ítems',
          required: true,
          hint: null,
          type: {
            kind: 'table',
            min_rows: 1,
            max_rows: null,
            columns: [
              { id: 'conforme', label: 'Conforme', required: true, type: { kind: 'yesno' } },
              {
                id: 'observacion',
                label: 'Observación',
                required: false,
                type: { kind: 'multiline', max_length: null },
                required_when: { field: 'conforme', values: ['No'], row: [], negate: false },
              },
            ],
          },
        },
      ],
    },
  ],
};

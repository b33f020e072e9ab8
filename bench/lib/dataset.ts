/**
 * Vocabulary of the generated data: realistic names (English and Brazilian Portuguese), companies, cities with
 * their phone area codes and time zones. Index i of each city list goes with index i of its area-code list.
 */

export const BR_FIRST = [
  'João', 'Maria', 'José', 'Ana', 'Antônio', 'Francisca', 'Carlos', 'Antônia', 'Paulo', 'Adriana',
  'Pedro', 'Juliana', 'Lucas', 'Márcia', 'Luiz', 'Fernanda', 'Marcos', 'Patrícia', 'Luís', 'Aline',
  'Gabriel', 'Sandra', 'Rafael', 'Camila', 'Daniel', 'Amanda', 'Marcelo', 'Bruna', 'Bruno', 'Jéssica',
  'Eduardo', 'Letícia', 'Felipe', 'Júlia', 'Raimundo', 'Luciana', 'Rodrigo', 'Vanessa', 'Manoel', 'Mariana',
  'Gustavo', 'Beatriz', 'Thiago', 'Larissa', 'Matheus', 'Isabela', 'Leonardo', 'Gabriela', 'Vinícius', 'Natália',
];
export const BR_LAST = [
  'Silva', 'Santos', 'Oliveira', 'Souza', 'Rodrigues', 'Ferreira', 'Alves', 'Pereira', 'Lima', 'Gomes',
  'Costa', 'Ribeiro', 'Martins', 'Carvalho', 'Almeida', 'Lopes', 'Soares', 'Fernandes', 'Vieira', 'Barbosa',
  'Rocha', 'Dias', 'Nascimento', 'Andrade', 'Moreira', 'Nunes', 'Marques', 'Machado', 'Mendes', 'Freitas',
  'Cardoso', 'Ramos', 'Gonçalves', 'Santana', 'Teixeira', 'Araújo', 'Pinto', 'Moura', 'Cavalcanti', 'Correia',
];
export const EN_FIRST = [
  'James', 'Mary', 'John', 'Patricia', 'Robert', 'Jennifer', 'Michael', 'Linda', 'William', 'Elizabeth',
  'David', 'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Charles', 'Karen',
  'Christopher', 'Lisa', 'Daniel', 'Nancy', 'Matthew', 'Betty', 'Anthony', 'Sandra', 'Mark', 'Ashley',
  'Emily', 'Olivia', 'Emma', 'Noah', 'Liam', 'Ethan', 'Sophia', 'Ava', 'Mason', 'Logan',
  'Brian', 'Megan', 'Kevin', 'Rachel', 'Jason', 'Laura', 'Ryan', 'Amy', 'Jacob', 'Hannah',
];
export const EN_LAST = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez',
  'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin',
  'Lee', 'Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson',
  'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Torres', 'Nguyen', 'Hill', 'Flores',
];

export const BR_COMPANY_PREFIX = ['Imobiliária', 'Construtora', 'Grupo', 'Incorporadora', 'Consultoria', 'Corretora'];
export const BR_COMPANY_NAME = ['Horizonte', 'Atlântico', 'Paulista', 'Vale Verde', 'Aurora', 'Ipê', 'Cristal', 'Primavera', 'Bandeirantes', 'Litoral', 'Serra Azul', 'Jacarandá'];
export const US_COMPANY_NAME = ['Summit', 'Pinecrest', 'Harbor', 'Blue Ridge', 'Golden Gate', 'Lakeside', 'Evergreen', 'Redwood', 'Liberty', 'Crescent', 'Northstar', 'Oakmont'];
export const US_COMPANY_SUFFIX = ['Realty', 'Properties', 'Homes', 'Capital', 'Group', 'Partners', 'Holdings', 'Investments'];

/** Brazilian cities: state, mobile area code (DDD), time zone, a postal-code prefix. */
export const BR_CITIES = [
  { city: 'São Paulo', state: 'SP', ddd: '11', tz: 'America/Sao_Paulo', zip: '01' },
  { city: 'Rio de Janeiro', state: 'RJ', ddd: '21', tz: 'America/Sao_Paulo', zip: '22' },
  { city: 'Belo Horizonte', state: 'MG', ddd: '31', tz: 'America/Sao_Paulo', zip: '30' },
  { city: 'Curitiba', state: 'PR', ddd: '41', tz: 'America/Sao_Paulo', zip: '80' },
  { city: 'Porto Alegre', state: 'RS', ddd: '51', tz: 'America/Sao_Paulo', zip: '90' },
  { city: 'Brasília', state: 'DF', ddd: '61', tz: 'America/Sao_Paulo', zip: '70' },
  { city: 'Salvador', state: 'BA', ddd: '71', tz: 'America/Bahia', zip: '40' },
  { city: 'Recife', state: 'PE', ddd: '81', tz: 'America/Recife', zip: '50' },
  { city: 'Fortaleza', state: 'CE', ddd: '85', tz: 'America/Fortaleza', zip: '60' },
  { city: 'Campinas', state: 'SP', ddd: '19', tz: 'America/Sao_Paulo', zip: '13' },
];
/** US cities: state, area code, time zone, ZIP prefix. */
export const US_CITIES = [
  { city: 'New York', state: 'NY', ddd: '212', tz: 'America/New_York', zip: '100' },
  { city: 'San Francisco', state: 'CA', ddd: '415', tz: 'America/Los_Angeles', zip: '941' },
  { city: 'Miami', state: 'FL', ddd: '305', tz: 'America/New_York', zip: '331' },
  { city: 'Chicago', state: 'IL', ddd: '312', tz: 'America/Chicago', zip: '606' },
  { city: 'Boston', state: 'MA', ddd: '617', tz: 'America/New_York', zip: '021' },
  { city: 'Austin', state: 'TX', ddd: '512', tz: 'America/Chicago', zip: '787' },
  { city: 'Seattle', state: 'WA', ddd: '206', tz: 'America/Los_Angeles', zip: '981' },
  { city: 'Denver', state: 'CO', ddd: '303', tz: 'America/Denver', zip: '802' },
  { city: 'Atlanta', state: 'GA', ddd: '404', tz: 'America/New_York', zip: '303' },
  { city: 'Las Vegas', state: 'NV', ddd: '702', tz: 'America/Los_Angeles', zip: '891' },
];

export const BR_EMAIL_DOMAINS = ['gmail.com', 'hotmail.com', 'outlook.com', 'yahoo.com.br', 'uol.com.br', 'bol.com.br', 'terra.com.br', 'icloud.com'];
export const US_EMAIL_DOMAINS = ['gmail.com', 'yahoo.com', 'outlook.com', 'hotmail.com', 'icloud.com', 'aol.com', 'comcast.net', 'proton.me'];

export const SOURCES = ['facebook', 'google', 'instagram', 'website', 'referral', 'whatsapp', 'zillow', 'event'];
export const CAMPAIGNS = [
  'Spring Launch 2024', 'Summer Open House', 'Lançamento Jardins', 'Black Friday 2024', 'Retargeting Q1',
  'Feirão da Casa Própria', 'Luxury Condos NYC', 'Investor Webinar', 'Google Search – Brand', 'Meta Lead Form A',
  'Meta Lead Form B', 'Newsletter March',
];
export const TAGS = ['hot', 'cold', 'vip', 'investor', 'first-time buyer', 'follow-up', 'callback', 'newsletter', 'referral', 'premium'];
export const LOST_REASONS = ['No budget', 'Bought elsewhere', 'No answer', 'Not interested', 'Wrong number', 'Timing'];
export const PROPERTY_TYPES = [
  { value: 'apartment', label: 'Apartment' },
  { value: 'house', label: 'House' },
  { value: 'condo', label: 'Condo' },
  { value: 'townhouse', label: 'Townhouse' },
  { value: 'land', label: 'Land' },
  { value: 'commercial', label: 'Commercial' },
];
export const NOTES = [
  'Called, asked to call back next week.',
  'Interested in a 2-bedroom near the subway.',
  'Sent the brochure by email.',
  'Prefere contato por WhatsApp depois das 18h.',
  'Visitou o decorado no sábado, gostou da planta de 3 quartos.',
  'Waiting for mortgage pre-approval.',
  'Asked about financing options and down payment.',
  'Pediu simulação de financiamento com entrada de 20%.',
  'Scheduled a visit for Thursday 10am.',
  'Not answering, try again in the afternoon.',
];
export const EMAIL_SUBJECTS = ['Your property options', 'Follow-up on our call', 'Proposta comercial', 'Visit confirmation', 'Documentos para análise'];
export const AGENT_NAMES = [...EN_FIRST.slice(0, 25).map((f, i) => `${f} ${EN_LAST[i]}`), ...BR_FIRST.slice(0, 25).map((f, i) => `${f} ${BR_LAST[i]}`)];

/** Quotes a text literal for inlining in generated SQL (the values above are ours, never user input). */
export const lit = (s: string): string => `'${s.replace(/'/g, "''")}'`;
export const textArray = (values: string[]): string => `ARRAY[${values.map(lit).join(',')}]::text[]`;

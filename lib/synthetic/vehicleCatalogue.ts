/** A vehicle model as it appears in Traficom's register, with the years it was sold new in Finland. */
export interface VehicleModel {
  make: string;
  model: string;
  /** Type-approval class: M1 passenger car, N1 van, L3e motorcycle. */
  vehicleClass: 'M1' | 'N1' | 'L3e';
  from: number;
  to: number;
  weight: number;
}

/** Common makes and models on Finnish roads (after Traficom's vehicle statistics, rounded). */
export const VEHICLE_MODELS: readonly VehicleModel[] = Object.freeze([
  { make: 'Toyota', model: 'Corolla', vehicleClass: 'M1', from: 1995, to: 2025, weight: 9 },
  { make: 'Toyota', model: 'Yaris', vehicleClass: 'M1', from: 1999, to: 2025, weight: 6 },
  { make: 'Toyota', model: 'RAV4', vehicleClass: 'M1', from: 2000, to: 2025, weight: 5 },
  { make: 'Toyota', model: 'Avensis', vehicleClass: 'M1', from: 1998, to: 2018, weight: 5 },
  { make: 'Skoda', model: 'Octavia', vehicleClass: 'M1', from: 1998, to: 2025, weight: 9 },
  { make: 'Skoda', model: 'Fabia', vehicleClass: 'M1', from: 2000, to: 2025, weight: 3 },
  { make: 'Skoda', model: 'Superb', vehicleClass: 'M1', from: 2002, to: 2025, weight: 2 },
  { make: 'Volkswagen', model: 'Golf', vehicleClass: 'M1', from: 1995, to: 2025, weight: 7 },
  { make: 'Volkswagen', model: 'Passat', vehicleClass: 'M1', from: 1995, to: 2025, weight: 5 },
  { make: 'Volkswagen', model: 'ID.4', vehicleClass: 'M1', from: 2021, to: 2025, weight: 2 },
  { make: 'Volvo', model: 'V70', vehicleClass: 'M1', from: 1997, to: 2016, weight: 5 },
  { make: 'Volvo', model: 'V60', vehicleClass: 'M1', from: 2011, to: 2025, weight: 4 },
  { make: 'Volvo', model: 'XC60', vehicleClass: 'M1', from: 2009, to: 2025, weight: 3 },
  { make: 'Ford', model: 'Focus', vehicleClass: 'M1', from: 1999, to: 2025, weight: 5 },
  { make: 'Kia', model: 'Ceed', vehicleClass: 'M1', from: 2007, to: 2025, weight: 3 },
  { make: 'Nissan', model: 'Qashqai', vehicleClass: 'M1', from: 2007, to: 2025, weight: 3 },
  { make: 'Mercedes-Benz', model: 'E 220', vehicleClass: 'M1', from: 1996, to: 2025, weight: 2 },
  { make: 'BMW', model: '320d', vehicleClass: 'M1', from: 1998, to: 2025, weight: 2 },
  { make: 'Audi', model: 'A4', vehicleClass: 'M1', from: 1995, to: 2025, weight: 2 },
  { make: 'Tesla', model: 'Model 3', vehicleClass: 'M1', from: 2019, to: 2025, weight: 2 },
  { make: 'Tesla', model: 'Model Y', vehicleClass: 'M1', from: 2021, to: 2025, weight: 2 },
  { make: 'Volkswagen', model: 'Transporter', vehicleClass: 'N1', from: 1995, to: 2025, weight: 2 },
  { make: 'Ford', model: 'Transit Custom', vehicleClass: 'N1', from: 2012, to: 2025, weight: 1 },
  { make: 'Toyota', model: 'Hiace', vehicleClass: 'N1', from: 1995, to: 2025, weight: 1 },
  { make: 'Renault', model: 'Kangoo', vehicleClass: 'N1', from: 1998, to: 2025, weight: 1 },
  { make: 'Honda', model: 'CB500F', vehicleClass: 'L3e', from: 2013, to: 2025, weight: 1 },
  { make: 'Yamaha', model: 'MT-07', vehicleClass: 'L3e', from: 2014, to: 2025, weight: 1 },
  { make: 'Harley-Davidson', model: 'Sportster', vehicleClass: 'L3e', from: 1995, to: 2022, weight: 1 },
  { make: 'BMW', model: 'R 1250 GS', vehicleClass: 'L3e', from: 2019, to: 2025, weight: 1 },
]);

/** Letters of Finnish registration plates (I, Q and W are not issued, to avoid confusion with 1, O and V). */
export const PLATE_LETTERS = 'ABCDEFGHJKLMNOPRSTUVXYZ';

/** Driving licence categories (Directive 2006/126/EC as applied in Finland), in the order shown. */
export const LICENCE_CATEGORIES = Object.freeze(['AM', 'A1', 'A2', 'A', 'B', 'BE', 'C1', 'C1E', 'C', 'CE', 'D1', 'D1E', 'D', 'DE']);

/**
 * EU harmonised codes 01-05 (Directive 2006/126/EC Annex I): 01 vision, 02 hearing, 03 prosthesis, 05 limited
 * use for medical reasons. They are health data.
 */
export const MEDICAL_RESTRICTION_CODES = Object.freeze(['01.01', '01.02', '01.06', '02', '03.01', '03.02', '05.01', '05.02', '05.03', '05.04', '05.07']);

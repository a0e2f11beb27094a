// Mach 3 wind tunnel with a forward-facing step (Woodward & Colella 1984).
//   gmsh -2 forward_step.geo -format msh41 -o forward_step.msh [-setnumber h 0.0125]
// Domain [0, 3] x [0, 1] without the step [0.6, 3] x [0, 0.2]. The mesh is quasi-uniform with size h;
// the step corner at (0.6, 0.2) is a singularity, refined only if hc < h is set.

DefineConstant[
  h = {1/40, Min 0.001, Max 0.5, Name "Parameters/Mesh size h"}
  hc = {1/40, Min 0.0005, Max 0.5, Name "Parameters/Mesh size at the step corner"}
];

Point(1) = {0, 0, 0, h};
Point(2) = {0.6, 0, 0, h};
Point(3) = {0.6, 0.2, 0, hc};
Point(4) = {3, 0.2, 0, h};
Point(5) = {3, 1, 0, h};
Point(6) = {0, 1, 0, h};

Line(1) = {1, 2}; // floor before the step
Line(2) = {2, 3}; // step face
Line(3) = {3, 4}; // step top
Line(4) = {4, 5}; // outflow
Line(5) = {5, 6}; // top wall
Line(6) = {6, 1}; // inflow

Curve Loop(1) = {1, 2, 3, 4, 5, 6};
Plane Surface(1) = {1};

Physical Curve("inflow", 1) = {6};
Physical Curve("outflow", 2) = {4};
Physical Curve("wall", 3) = {1, 2, 3, 5};
Physical Surface("fluid", 10) = {1};
